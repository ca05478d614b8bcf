import { z } from "@hono/zod-openapi";
import { and, eq, isNull, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { callQueues, calls } from "../../../schema";
import { applyCallEvent } from "../calls";
import { publishCallChange } from "../call-domain-events";
import type { CallEventStatus } from "../call-state";
import { userForExtension } from "../extensions";
import type { ProviderRow } from "../providers/providers";
import { parseWebhookBody } from "../../platform/webhook-body";

/**
 * Channel events pushed by an Asterisk / FreePBX dialplan (see README, "PBX"):
 * one request per step of a call, named by Asterisk's own identifiers
 * (`linkedid` ties every leg of a call together, `uniqueid` is the channel),
 * mapped onto the call core's vocabulary.
 */

export const PBX_EVENTS = ["start", "queued", "ringing", "answered", "hold", "unhold", "transfer", "hangup"] as const;

const AsteriskId = z.string().trim().regex(/^[A-Za-z0-9._:-]{1,150}$/, "Asterisk's ${UNIQUEID} / ${LINKEDID}");
const Optional = z.string().trim().max(200).optional();

export const PbxEventBody = z
  .object({
    event: z.enum(PBX_EVENTS),
    uniqueid: AsteriskId,
    linkedid: AsteriskId.optional().or(z.literal("").transform(() => undefined)),
    direction: z.enum(["inbound", "outbound", "internal"]).optional().or(z.literal("").transform(() => undefined)),
    from: Optional.openapi({ description: "Caller number (${CALLERID(num)})" }),
    to: Optional.openapi({ description: "Dialed number (${EXTEN})" }),
    agent: Optional.openapi({ description: "The agent's extension (a telephony extension of this provider)" }),
    queue: Optional.openapi({ description: "Queue name, as named in NeuraCRM" }),
    timestamp: z.coerce.number().positive().optional().openapi({ description: "When it happened: unix seconds (${EPOCH}, decimals allowed) or milliseconds; default now" }),
    dialstatus: Optional.openapi({ description: "${DIALSTATUS} on hangup: ANSWER, BUSY, NOANSWER, CANCEL, CONGESTION, CHANUNAVAIL" }),
    hangupcause: z.coerce.number().int().min(0).max(127).optional().or(z.literal("").transform(() => undefined)),
    eventid: z.string().trim().min(1).max(150).optional(),
    disposition: z.string().trim().max(100).optional().openapi({ description: "On hangup: a disposition code the agent entered on the phone (e.g. ${CDR(userfield)}); kept unless the agent wraps up in the app" }),
  })
  .openapi("PbxEvent");

export type PbxEvent = z.infer<typeof PbxEventBody>;

/** The event from a JSON or form-encoded body (what `curl --data` sends); 4xx for anything else. */
export function parsePbxEvent(contentType: string, raw: string): PbxEvent {
  return parseWebhookBody(PbxEventBody, contentType, raw, { what: "Events" });
}

/** Asterisk's hangup outcome as a final call status (Q.850 causes when DIALSTATUS is absent). */
export function hangupStatus(dialstatus: string | undefined, cause: number | undefined): CallEventStatus {
  switch (dialstatus?.toUpperCase()) {
    case "BUSY":
      return "busy";
    case "NOANSWER":
      return "no_answer";
    case "CANCEL":
      return "canceled";
    case "CONGESTION":
    case "CHANUNAVAIL":
      return "failed";
  }
  if (cause === 17) return "busy";
  if (cause === 18 || cause === 19) return "no_answer";
  if (cause === 1 || cause === 21 || cause === 27 || cause === 34 || cause === 38) return "failed";
  return "completed";
}

const STATUS: Record<Exclude<PbxEvent["event"], "hangup">, CallEventStatus> = {
  start: "initiated",
  queued: "queued",
  ringing: "ringing",
  answered: "in_progress",
  hold: "on_hold",
  unhold: "resumed",
  transfer: "transferred",
};

const isExtension = (n?: string) => !!n && /^\d{2,6}$/.test(n);

/** Epoch ms from unix seconds (possibly fractional) or milliseconds. */
const epochMs = (t: number | undefined, now: number) => (t === undefined ? now : t < 1e11 ? Math.round(t * 1000) : Math.round(t));

async function queueByName(env: Pick<Env, "DB">, orgId: string, name: string) {
  const row = await orgDb(env, orgId)
    .select({ id: callQueues.id })
    .from(callQueues)
    .where(and(eq(callQueues.orgId, orgId), sql`lower(${callQueues.name}) = ${name.toLowerCase()}`))
    .get();
  return row?.id;
}

/** Applies one dialplan event to the call it belongs to, in the provider's organization. */
export async function ingestPbxEvent(env: Pick<Env, "DB" | "ORG_ROOM" | "JOBS">, provider: ProviderRow, event: PbxEvent, now = Date.now()) {
  const orgId = provider.orgId;
  const db = orgDb(env, orgId);
  const at = epochMs(event.timestamp, now);
  const status = event.event === "hangup" ? hangupStatus(event.dialstatus, event.hangupcause) : STATUS[event.event];
  const direction = event.direction ?? (isExtension(event.from) ? (isExtension(event.to) ? "internal" : "outbound") : "inbound");
  const agentUserId = event.agent ? await userForExtension(db, orgId, provider.id, event.agent) : null;
  let queueId = event.queue ? await queueByName(env, orgId, event.queue) : undefined;
  if (!queueId && event.event === "queued" && provider.defaultQueueId) queueId = provider.defaultQueueId;
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: event.linkedid || event.uniqueid,
    eventId: event.eventid ?? `${event.event}:${event.uniqueid}:${at}`,
    status,
    at,
    direction,
    from: event.from,
    to: event.to,
    ...(agentUserId ? { agentUserId } : {}),
    ...(queueId ? { queueId } : {}),
    data: {
      source: "dialplan",
      uniqueid: event.uniqueid,
      ...(event.agent ? { agentExtension: event.agent } : {}),
      ...(event.queue ? { queue: event.queue } : {}),
      ...(event.dialstatus ? { dialstatus: event.dialstatus } : {}),
      ...(event.hangupcause !== undefined ? { hangupcause: event.hangupcause } : {}),
    },
  });
  if (event.event === "hangup" && event.disposition && result.applied) {
    // A code keyed on the phone never overwrites one the agent chose in the app.
    const before = await db.select().from(calls).where(and(eq(calls.orgId, orgId), eq(calls.id, result.call.id))).get();
    const [coded] = await db
      .update(calls)
      .set({ disposition: event.disposition, updatedAt: Date.now() })
      .where(and(eq(calls.orgId, orgId), eq(calls.id, result.call.id), isNull(calls.disposition)))
      .returning();
    if (before && coded) await publishCallChange(env, db, orgId, { before, after: coded, created: false, ended: false });
  }
  return { callId: result.call.id, status: result.call.status, applied: result.applied, created: result.created };
}
