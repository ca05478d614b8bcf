import { z } from "@hono/zod-openapi";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { sha256 } from "../../platform/ids";
import { applyCallEvent, type CallEvent } from "../calls";
import { userForExtension } from "../extensions";
import type { ProviderRow } from "../providers/providers";
import { parseWebhookBody } from "../../platform/webhook-body";

/**
 * 3CX call journaling: when a call ends, 3CX posts one summary (the
 * template's ReportCall scenario) — call type, number, agent, duration and
 * the start / established / end times. It carries no call id, so the call is
 * identified by a hash of what does not change between 3CX's retries; the
 * summary is replayed as the call core's events (start, ringing, answer, end).
 */

const Text = z.string().trim().max(200).optional();

export const JournalBody = z
  .object({
    callType: z.enum(["Inbound", "Outbound", "Missed", "Notanswered"]).openapi({ description: "3CX's [CallType]" }),
    callDirection: z.enum(["Inbound", "Outbound", "Internal", ""]).optional().openapi({ description: "3CX's [CallDirection]" }),
    number: z.string().trim().min(1).max(40).openapi({ description: "The external party's number ([Number])" }),
    name: Text,
    agent: Text.openapi({ description: "The agent's extension ([Agent])" }),
    agentEmail: Text,
    agentFirstName: Text,
    agentLastName: Text,
    queueExtension: Text,
    duration: z.string().trim().max(20).optional().openapi({ description: "[Duration]: hh:mm:ss or seconds (talk time)" }),
    callStartUtc: z.string().trim().min(1).max(40).openapi({ description: "[CallStartTimeUTC]" }),
    callEstablishedUtc: Text.openapi({ description: "[CallEstablishedTimeUTC], empty when not answered" }),
    callEndUtc: Text.openapi({ description: "[CallEndTimeUTC]" }),
  })
  .openapi("ThreeCxJournal");

export type Journal = z.infer<typeof JournalBody>;

export function parseJournal(contentType: string, raw: string): Journal {
  return parseWebhookBody(JournalBody, contentType, raw, { what: "Journal entries" });
}

/** 3CX's UTC times ("2026-11-26 14:03:12", ISO 8601, or "11/26/2026 2:03:12 PM") as epoch ms; undefined when blank. */
export function utcTime(value: string | undefined, field: string): number | undefined {
  const text = value?.trim();
  if (!text) return undefined;
  let ms: number;
  if (/^\d{10,13}$/.test(text)) ms = Number(text) < 1e11 ? Number(text) * 1000 : Number(text);
  else if (/^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(text)) ms = Date.parse(`${text.replace(" ", "T")}Z`);
  else ms = /(Z|[+-]\d{2}:?\d{2}|UTC|GMT)$/i.test(text) ? Date.parse(text) : Date.parse(`${text} UTC`);
  if (!Number.isFinite(ms) || ms <= 0) throw invalid({ [field]: ["A UTC date-time, e.g. 2026-11-26 14:03:12"] });
  return ms;
}

/** [Duration] as seconds: "hh:mm:ss", "mm:ss" or plain seconds. */
export function durationSeconds(value: string | undefined): number {
  const text = value?.trim();
  if (!text) return 0;
  if (/^\d+$/.test(text)) return Number(text);
  const parts = text.split(":");
  if (parts.length > 3 || parts.some((p) => !/^\d+(\.\d+)?$/.test(p))) throw invalid({ duration: ["hh:mm:ss or seconds"] });
  return Math.round(parts.reduce((acc, p) => acc * 60 + Number(p), 0));
}

export async function journalCall(env: Pick<Env, "DB" | "ORG_ROOM" | "JOBS">, provider: ProviderRow, entry: Journal) {
  const orgId = provider.orgId;
  const db = orgDb(env, orgId);
  const start = utcTime(entry.callStartUtc, "callStartUtc")!;
  const talk = durationSeconds(entry.duration);
  const answered = entry.callType === "Inbound" || entry.callType === "Outbound";
  const established = answered ? (utcTime(entry.callEstablishedUtc, "callEstablishedUtc") ?? start) : undefined;
  const end = utcTime(entry.callEndUtc, "callEndUtc") ?? (established ?? start) + talk * 1000;
  if (end < start) throw invalid({ callEndUtc: ["Before the call's start"] });

  const outbound = entry.callDirection ? entry.callDirection === "Outbound" : entry.callType === "Outbound" || entry.callType === "Notanswered";
  const direction = entry.callDirection === "Internal" ? "internal" : outbound ? "outbound" : "inbound";
  const ours = entry.agent || entry.queueExtension || "";
  const agentUserId = entry.agent ? await userForExtension(db, orgId, provider.id, entry.agent) : null;
  const providerCallId = `3cx-${(await sha256([entry.number, start, entry.agent ?? "", direction].join("|"))).slice(0, 32)}`;

  const base: Omit<CallEvent, "status" | "at" | "eventId"> = {
    providerId: provider.id,
    providerCallId,
    direction,
    from: outbound ? ours : entry.number,
    to: outbound ? entry.number : ours,
    ...(agentUserId ? { agentUserId } : {}),
    data: { source: "3cx", callType: entry.callType, ...(entry.agent ? { agentExtension: entry.agent } : {}) },
  };
  const steps: [CallEvent["status"], number][] = [
    ["initiated", start],
    ["ringing", start],
    ...(established !== undefined ? ([["in_progress", established]] as [CallEvent["status"], number][]) : []),
    [answered ? "completed" : "no_answer", Math.max(end, established ?? start)],
  ];
  let last;
  for (const [status, at] of steps) last = await applyCallEvent(env, orgId, { ...base, status, at, eventId: `3cx:${status}` });
  return { callId: last!.call.id, status: last!.call.status, contactId: last!.call.contactId, leadId: last!.call.leadId };
}
