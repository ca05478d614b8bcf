import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import type { SentimentRollup, TranscriptSegment } from "../../../schema";
import { judgeWithFallback, rollUpSentiments } from "../../sentiment";
import { orgSentimentModelOrNull } from "../sentiment/org-sentiment-model";

/** Whose words are judged: the customer's on a dual-channel call, everyone's when one channel holds both parties. */
const judged = (s: TranscriptSegment) => s.speaker === "customer" || s.speaker === "speaker";

/**
 * A finished transcript's customer segments, each with its sentiment, and
 * the call's rollup over them (`at`: when each segment was said, from the
 * call's start). Judged by the organization's model, the embedded one when
 * that is unavailable; a call without customer speech has no rollup.
 */
export async function judgeTranscript(env: Env, db: Db, orgId: string, segments: TranscriptSegment[], callStartedAt: number) {
  const customer = segments.filter((s) => judged(s) && s.text.trim());
  if (customer.length === 0) return { segments, sentiment: null as SentimentRollup | null };
  const sentiments = await judgeWithFallback(await orgSentimentModelOrNull(env, db, orgId), customer.map((s) => s.text));
  const bySegment = new Map(customer.map((s, i) => [s, sentiments[i]!]));
  const out = segments.map((s) => (bySegment.has(s) ? { ...s, sentiment: bySegment.get(s)! } : s));
  const sentiment = rollUpSentiments(customer.map((s) => ({ sentiment: bySegment.get(s)!, at: callStartedAt + Math.round(s.start * 1000) })));
  return { segments: out, sentiment };
}
