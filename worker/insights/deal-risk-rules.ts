import type { InsightEvidence, Sentiment, SentimentRollup, TranscriptSegment } from "../../schema";
import type { RaiseInsightInput } from "./insight-store";

/**
 * Deal at risk: three rules over an open deal, each its own insight (dedupe
 * key `deal_at_risk:<rule>:<dealId>`) so each resolves on its own when its
 * condition ends. Headlines carry dates, not counts of days, so a finding
 * that still holds tomorrow is not news again.
 */
export const STALE_AFTER_DAYS = 14;
export const DEAL_RISK_PREFIX = "deal_at_risk:";

export interface OpenDeal {
  id: string;
  title: string;
  createdAt: number;
  closeDate: string | null;
  contactId: string | null;
}

export interface LastActivity {
  dealId: string;
  id: string;
  subject: string;
  type: string;
  at: number;
}

/** A contact's newest judged message: a customer's ticket comment or a call's rolled-up transcript. */
export interface ContactVoice {
  contactId: string;
  contactName: string;
  at: number;
  label: Sentiment["label"];
  score: number;
  source: { type: "comment"; id: string; ticketId: string; ticketTitle: string; quote: string } | { type: "call"; id: string; quote: string };
}

const DAY_MS = 24 * 3600_000;

export const quoteOf = (text: string, max = 200) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** The customer's most negative judged segment of a call, else its summary. */
export function callQuote(segments: TranscriptSegment[], rollup: SentimentRollup, summary: string | null): string {
  const judged = segments.filter((s) => s.sentiment).sort((a, b) => a.sentiment!.score - b.sentiment!.score);
  const worst = judged[0];
  if (worst && worst.sentiment!.label === rollup.label) return quoteOf(worst.text);
  return quoteOf(summary ?? worst?.text ?? "");
}

type Finding = Omit<RaiseInsightInput, "orgId" | "by">;

/**
 * What the rules find for one deal on `today` (the organization's local date)
 * at `now`; `dateOf` turns an instant into the organization's local date.
 */
export function dealRiskFindings(
  deal: OpenDeal,
  facts: { lastActivity?: LastActivity; voice?: ContactVoice },
  now: number,
  today: string,
  dateOf: (ms: number) => string,
): Finding[] {
  const record = { type: "deal" as const, id: deal.id, title: deal.title };
  const cite: InsightEvidence = { type: "deal", id: deal.id, title: deal.title };
  const out: Finding[] = [];
  const last = facts.lastActivity;
  const quietSince = last ? last.at : deal.createdAt;
  if (now - quietSince >= STALE_AFTER_DAYS * DAY_MS) {
    const since = dateOf(quietSince);
    const evidence: InsightEvidence[] = [{ ...cite, detail: `No activity for ${Math.floor((now - quietSince) / DAY_MS)} days` }];
    if (last) evidence.push({ type: "activity", id: last.id, title: last.subject, detail: `Last activity (${last.type}) on ${since}` });
    out.push({
      kind: "deal_at_risk",
      record,
      headline: last ? `${deal.title}: no activity since ${since}` : `${deal.title}: no activity since it was created on ${since}`,
      evidence,
      dedupeKey: `${DEAL_RISK_PREFIX}stale:${deal.id}`,
    });
  }
  if (deal.closeDate && deal.closeDate < today) {
    out.push({
      kind: "deal_at_risk",
      record,
      headline: `${deal.title}: close date ${deal.closeDate} has passed`,
      evidence: [{ ...cite, detail: `Expected to close on ${deal.closeDate}; still open on ${today}` }],
      dedupeKey: `${DEAL_RISK_PREFIX}slipped:${deal.id}`,
    });
  }
  const voice = facts.voice;
  if (voice && voice.label === "negative") {
    const said = voice.source;
    const message: InsightEvidence =
      said.type === "comment"
        ? { type: "ticket", id: said.ticketId, title: said.ticketTitle, detail: `“${said.quote}”` }
        : { type: "call", id: said.id, title: `Call with ${voice.contactName}`, detail: `“${said.quote}”` };
    out.push({
      kind: "deal_at_risk",
      record,
      headline: `${deal.title}: ${voice.contactName} turned negative`,
      evidence: [
        cite,
        { type: "contact", id: voice.contactId, title: voice.contactName, detail: `Sentiment ${voice.score.toFixed(2)} on ${dateOf(voice.at)}` },
        message,
      ],
      dedupeKey: `${DEAL_RISK_PREFIX}negative:${deal.id}`,
    });
  }
  return out;
}
