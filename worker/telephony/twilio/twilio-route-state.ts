import type { Db } from "../../platform/db";
import type { CallEnv } from "../calls";
import type { TwilioRequest } from "./twilio-webhook";

/**
 * Where a caller stands in queue routing, carried in the signed URLs Twilio
 * calls back (twilio-queue.ts), and what each routing step works with.
 */
export interface RouteState {
  queueId: string;
  since: number;
  tried: string[];
  hops: number;
}

export interface RouteContext {
  env: CallEnv;
  db: Db;
  req: TwilioRequest;
  /** Absolute URL of one of this provider's webhooks, e.g. hook("status", {leg: "agent"}). */
  hook: (path: string, query?: Record<string, string>) => string;
  /** The parent call (the caller's leg). */
  callSid: string;
}

export const stateQuery = (s: RouteState): Record<string, string> => ({ queueId: s.queueId, since: String(s.since), tried: s.tried.join(","), hops: String(s.hops) });

export function parseState(q: Record<string, string | undefined>): RouteState | null {
  const since = Number(q.since);
  if (!q.queueId || !Number.isFinite(since)) return null;
  return { queueId: q.queueId, since, tried: (q.tried ?? "").split(",").filter(Boolean), hops: Number(q.hops) || 0 };
}
