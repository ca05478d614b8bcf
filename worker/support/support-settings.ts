import { eq } from "drizzle-orm";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { conflict, invalid, notFound } from "../platform/errors";
import { organizations, supportSettings, type SentimentEscalationRule, type SentimentModelChoice } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import { isUniqueViolation } from "../platform/records";
import { DEFAULT_MAIL_DOMAIN, mailDomain, mailStatus } from "../platform/mail-sender";
import type { SupportActor } from "./sla/sla";

export const DEFAULT_EMAIL_DOMAIN = DEFAULT_MAIL_DOMAIN;

export const emailDomain = mailDomain;

/**
 * Whether public replies can go out by mail, and through what: the
 * `send_email` binding wins over the HTTP API (Mailgun `messages.mime`),
 * which needs both its URL and key.
 */
export const outboundStatus = (env: Pick<Env, "SEND_EMAIL" | "EMAIL_API_KEY" | "EMAIL_API_URL">) => mailStatus(env, "replies are saved but not mailed");

const LOCAL_PART = /^[a-z0-9][a-z0-9._+-]{0,63}$/;

/** The organization's support settings, created on first read with `support+<slug>` as inbound local part. */
export async function getSupportSettings(db: Db, orgId: string) {
  const row = await db.select().from(supportSettings).where(eq(supportSettings.orgId, orgId)).get();
  if (row) return row;
  const org = await db.select({ slug: organizations.slug }).from(organizations).where(eq(organizations.id, orgId)).get();
  if (!org) throw notFound("Organization");
  const created = { orgId, inboundLocalPart: `support+${org.slug.toLowerCase()}`, fromName: null, fromAddress: null, updatedAt: Date.now() };
  await db.insert(supportSettings).values(created).onConflictDoNothing();
  return (await db.select().from(supportSettings).where(eq(supportSettings.orgId, orgId)).get())!;
}

export function settingsView(env: Pick<Env, "EMAIL_DOMAIN" | "SEND_EMAIL" | "EMAIL_API_KEY" | "EMAIL_API_URL">, row: typeof supportSettings.$inferSelect) {
  return {
    inboundAddress: `${row.inboundLocalPart}@${emailDomain(env)}`,
    inboundLocalPart: row.inboundLocalPart,
    fromName: row.fromName,
    fromAddress: row.fromAddress,
    outbound: outboundStatus(env),
    sentimentModel: row.sentimentModel,
    sentimentEscalation: row.sentimentEscalation ?? DEFAULT_SENTIMENT_ESCALATION,
  };
}

/** What the settings show before an admin has set the rule: off, with the values it would start from. */
export const DEFAULT_SENTIMENT_ESCALATION: SentimentEscalationRule = { enabled: false, threshold: -0.3, raisePriority: true, notifyTeamLead: true };

/** The organization an inbound address belongs to (for the email worker), or null: mail to it is rejected. */
export async function orgForInboundAddress(db: Db, env: Pick<Env, "EMAIL_DOMAIN">, address: string): Promise<string | null> {
  const [local, domain] = address.trim().toLowerCase().split("@");
  if (!local || domain !== emailDomain(env)) return null;
  const row = await db.select({ orgId: supportSettings.orgId }).from(supportSettings).where(eq(supportSettings.inboundLocalPart, local)).get();
  return row?.orgId ?? null;
}

export async function updateSupportSettings(
  db: Db,
  orgId: string,
  actor: SupportActor,
  input: {
    inboundLocalPart?: string;
    fromName?: string | null;
    fromAddress?: string | null;
    sentimentModel?: SentimentModelChoice;
    sentimentEscalation?: SentimentEscalationRule;
  },
) {
  await getSupportSettings(db, orgId);
  const set: Partial<typeof supportSettings.$inferInsert> = { updatedAt: Date.now() };
  if (input.inboundLocalPart !== undefined) {
    const local = input.inboundLocalPart.trim().toLowerCase();
    if (!LOCAL_PART.test(local)) throw invalid({ inboundLocalPart: ["Letters, digits, dot, dash, underscore and plus only"] });
    set.inboundLocalPart = local;
  }
  if (input.fromName !== undefined) set.fromName = input.fromName?.trim() || null;
  if (input.fromAddress !== undefined) set.fromAddress = input.fromAddress?.trim().toLowerCase() || null;
  if (input.sentimentModel !== undefined) set.sentimentModel = input.sentimentModel;
  if (input.sentimentEscalation !== undefined) set.sentimentEscalation = input.sentimentEscalation;
  try {
    await db.batch([
      db.update(supportSettings).set(set).where(eq(supportSettings.orgId, orgId)),
      auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "support_settings", entityId: orgId, changes: { ...input }, requestId: actor.requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw conflict("Another organization uses this inbound address", { inboundLocalPart: ["Already taken"] });
    throw err;
  }
  return getSupportSettings(db, orgId);
}
