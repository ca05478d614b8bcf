import { and, eq, inArray } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound, setupMissing } from "../../platform/errors";
import { calls, contacts, deals, leads, telephonyExtensions, telephonyProviders } from "../../../schema";
import { assertLink, defaultCountryOf, type Actor } from "../../platform/records";
import { ariOriginate } from "../ari/ari-client";
import { callNumber, matchCaller } from "../call-matching";
import { applyCallEvent } from "../calls";
import { publishCallChange } from "../call-domain-events";
import { providerSecrets, type ProviderRow } from "../providers/providers";

/**
 * Click-to-call through Asterisk / FreePBX: ARI originates a channel to the
 * agent's own extension; when they pick up, the dialplan (context, extension
 * = the customer's number, priority 1) dials the customer. The channel id we
 * choose becomes Asterisk's uniqueid, so the dialplan's events for this call
 * (pbx-events.ts) land on the same call record.
 */

export const ARI_TYPES = ["asterisk", "freepbx"] as const;

export interface ClickToCallInput {
  to: string;
  providerId?: string;
  contactId?: string;
  leadId?: string;
  dealId?: string;
}

type OriginateEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS" | "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK">;

/** The PBX provider to call through and the caller's extension on it. */
async function pickProvider(db: Db, orgId: string, userId: string, providerId?: string): Promise<{ provider: ProviderRow; extension: string }> {
  const providers = await db
    .select()
    .from(telephonyProviders)
    .where(and(eq(telephonyProviders.orgId, orgId), inArray(telephonyProviders.type, [...ARI_TYPES]), eq(telephonyProviders.enabled, true)));
  const candidates = providerId ? providers.filter((p) => p.id === providerId) : providers;
  if (providerId && candidates.length === 0) throw notFound("Asterisk or FreePBX provider");
  if (candidates.length === 0) {
    throw setupMissing("No Asterisk or FreePBX provider is configured: add one under Telephony → Providers");
  }
  const extensions = await db
    .select({ providerId: telephonyExtensions.providerId, extension: telephonyExtensions.extension })
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.userId, userId)));
  for (const provider of candidates) {
    const ext = extensions.find((e) => e.providerId === provider.id);
    if (ext) return { provider, extension: ext.extension };
  }
  throw conflict(`You have no extension on ${candidates.map((p) => `"${p.name}"`).join(", ")}: ask a manager to add one under Telephony → Extensions`, {
    extension: ["Not configured for you"],
  });
}

async function linkRecords(db: Db, orgId: string, actor: Actor, input: ClickToCallInput) {
  await assertLink(db, contacts, orgId, actor, input.contactId, "contactId");
  await assertLink(db, leads, orgId, actor, input.leadId, "leadId");
  await assertLink(db, deals, orgId, actor, input.dealId, "dealId");
}

export async function clickToCall(env: OriginateEnv, db: Db, orgId: string, actor: Actor, input: ClickToCallInput) {
  const country = await defaultCountryOf(db, orgId);
  const to = callNumber(input.to, country);
  if (!/^\+\d{6,15}$/.test(to) && !/^\d{2,6}$/.test(to)) {
    throw invalid({ to: ["A phone number (e.g. +14155550132 or one in your country's format) or an internal extension"] });
  }
  await linkRecords(db, orgId, actor, input);
  const { provider, extension } = await pickProvider(db, orgId, actor.userId, input.providerId);
  const config = provider.publicConfig;
  const secrets = await providerSecrets(env, provider);
  const party = await matchCaller(db, orgId, to);
  const channelId = `neuracrm-${crypto.randomUUID()}`;
  const channel = await ariOriginate(
    env,
    { baseUrl: config.baseUrl!, username: String(secrets.username), password: String(secrets.password) },
    {
      endpoint: `${config.endpointTechnology ?? "PJSIP"}/${extension}`,
      extension: to,
      context: config.context ?? "from-internal",
      // What the agent's phone shows while it rings: whom they are about to call.
      callerId: `"${(party.name ?? "NeuraCRM call").replace(/"/g, "")}" <${to}>`,
      channelId,
      // "__" makes them inherited by the customer leg the dialplan dials, so ARI events of both legs name the call.
      variables: { __NEURACRM_CALL_ID: channelId, __NEURACRM_PROVIDER_ID: provider.id, __NEURACRM_AGENT: extension },
    },
  );
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: channel.id || channelId,
    eventId: "originate",
    status: "initiated",
    at: Date.now(),
    direction: "outbound",
    from: extension,
    to,
    agentUserId: actor.userId,
    data: { source: "click_to_call", channel: channel.name, state: channel.state },
  });
  const links = { contactId: input.contactId, leadId: input.leadId, dealId: input.dealId };
  const chosen = Object.fromEntries(Object.entries(links).filter(([, v]) => v)) as Partial<Record<"contactId" | "leadId" | "dealId", string>>;
  if (Object.keys(chosen).length === 0) return result.call;
  // The record the agent called from wins over the phone-number match.
  const before = await db.select().from(calls).where(and(eq(calls.orgId, orgId), eq(calls.id, result.call.id))).get();
  const [linked] = await db
    .update(calls)
    .set({ ...chosen, updatedAt: Date.now() })
    .where(and(eq(calls.orgId, orgId), eq(calls.id, result.call.id)))
    .returning();
  if (before && linked) await publishCallChange(env, db, orgId, { before, after: linked, created: false, ended: false }, actor);
  return { ...result.call, ...chosen };
}
