import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { contacts, deals, insights, type SentimentRollup, type Sentiment, type TranscriptSegment } from "../../schema";
import type { Env } from "../platform/env";
import { directoryDb, orgDb, type Db } from "../platform/db";
import { localDateOf, orgTimeZone } from "../platform/local-time";
import type { ScheduledTask } from "../platform/scheduled-tasks";
import { callQuote, DEAL_RISK_PREFIX, dealRiskFindings, quoteOf, type ContactVoice, type LastActivity, type OpenDeal } from "./deal-risk-rules";
import { raiseInsight } from "./insight-store";

/**
 * Runs the deal-at-risk rules over one organization: raises what holds,
 * resolves what no longer does. It runs when its inputs changed (deals,
 * activities, tickets, transcripts) or an hour passed (dates move on), from
 * cron in production and, since `wrangler dev` fires no cron, whenever the
 * inbox or the dashboard is read. A sweep raises at most RAISE_BUDGET
 * insights, so a first sweep over a large backlog spreads over a few reads.
 */
const RECHECK_MS = 3600_000;
const RAISE_BUDGET = 25;
const ORGS_PER_TICK = 100;

type SweepEnv = Pick<Env, "DB" | "ORG_ROOM" | "CACHE">;

const sweepKey = (orgId: string) => `insights:sweep:${orgId}`;
const SWEEP_CURSOR = "insights:sweep-cursor";

/** Changes whenever a rule's input may have changed. */
async function fingerprint(db: Db, orgId: string): Promise<string> {
  const row = await db.get<Record<string, number | null>>(sql`
    SELECT
      (SELECT max(updated_at) FROM deals WHERE org_id = ${orgId}) AS d,
      (SELECT count(*) FROM deals WHERE org_id = ${orgId}) AS n,
      (SELECT max(updated_at) FROM activities WHERE org_id = ${orgId}) AS a,
      (SELECT count(*) FROM activities WHERE org_id = ${orgId}) AS an,
      (SELECT max(created_at) FROM support_comments WHERE org_id = ${orgId} AND sentiment IS NOT NULL) AS c,
      (SELECT max(updated_at) FROM call_transcripts WHERE org_id = ${orgId}) AS t,
      (SELECT max(updated_at) FROM contacts WHERE org_id = ${orgId}) AS p`);
  return JSON.stringify(row ?? {});
}

async function openDeals(db: Db, orgId: string): Promise<OpenDeal[]> {
  return db
    .select({ id: deals.id, title: deals.title, createdAt: deals.createdAt, closeDate: deals.closeDate, contactId: deals.contactId })
    .from(deals)
    .where(and(eq(deals.orgId, orgId), eq(deals.status, "open")));
}

const OPEN_DEAL_IDS = (orgId: string) => sql`SELECT id FROM deals WHERE org_id = ${orgId} AND status = 'open'`;
const OPEN_DEAL_CONTACTS = (orgId: string) => sql`SELECT contact_id FROM deals WHERE org_id = ${orgId} AND status = 'open' AND contact_id IS NOT NULL`;

/** Each open deal's newest activity (its creation or, when later, its completion). */
async function lastActivities(db: Db, orgId: string): Promise<Map<string, LastActivity>> {
  const rows = await db.all<LastActivity>(sql`
    SELECT deal_id AS dealId, id, subject, type, at FROM (
      SELECT deal_id, id, subject, type, max(created_at, coalesce(done_at, 0)) AS at,
        row_number() OVER (PARTITION BY deal_id ORDER BY max(created_at, coalesce(done_at, 0)) DESC, id DESC) AS rn
      FROM activities WHERE org_id = ${orgId} AND deal_id IN (${OPEN_DEAL_IDS(orgId)})
    ) WHERE rn = 1`);
  return new Map(rows.map((r) => [r.dealId, r]));
}

interface CommentVoiceRow {
  contactId: string;
  id: string;
  ticketId: string;
  number: number;
  subject: string;
  body: string;
  sentiment: string;
  at: number;
}

interface CallVoiceRow {
  contactId: string;
  id: string;
  sentiment: string;
  segments: string;
  summary: string | null;
  at: number;
}

/** The newest judged message of each contact on an open deal: a customer's ticket comment or a call transcript, whichever is later. */
async function contactVoices(db: Db, orgId: string): Promise<Map<string, ContactVoice>> {
  const [comments, callRows, names] = await Promise.all([
    db.all<CommentVoiceRow>(sql`
      SELECT contactId, id, ticketId, number, subject, body, sentiment, at FROM (
        SELECT t.contact_id AS contactId, c.id, t.id AS ticketId, t.number, t.subject, c.body, c.sentiment, c.created_at AS at,
          row_number() OVER (PARTITION BY t.contact_id ORDER BY c.created_at DESC, c.id DESC) AS rn
        FROM support_comments c JOIN support_tickets t ON t.id = c.ticket_id AND t.org_id = c.org_id
        WHERE c.org_id = ${orgId} AND c.sentiment IS NOT NULL AND t.contact_id IN (${OPEN_DEAL_CONTACTS(orgId)})
      ) WHERE rn = 1`),
    db.all<CallVoiceRow>(sql`
      SELECT contactId, id, sentiment, segments, summary, at FROM (
        SELECT k.contact_id AS contactId, k.id, ct.sentiment, ct.segments, ct.summary,
          coalesce(json_extract(ct.sentiment, '$.at'), k.started_at) AS at,
          row_number() OVER (PARTITION BY k.contact_id ORDER BY coalesce(json_extract(ct.sentiment, '$.at'), k.started_at) DESC, k.id DESC) AS rn
        FROM call_transcripts ct JOIN calls k ON k.id = ct.call_id AND k.org_id = ct.org_id
        WHERE ct.org_id = ${orgId} AND ct.sentiment IS NOT NULL AND k.contact_id IN (${OPEN_DEAL_CONTACTS(orgId)})
      ) WHERE rn = 1`),
    db
      .select({ id: contacts.id, firstName: contacts.firstName, lastName: contacts.lastName })
      .from(contacts)
      .where(and(eq(contacts.orgId, orgId), sql`${contacts.id} IN (${OPEN_DEAL_CONTACTS(orgId)})`)),
  ]);
  const nameOf = new Map(names.map((n) => [n.id, `${n.firstName} ${n.lastName}`.trim()]));
  const voices = new Map<string, ContactVoice>();
  const keep = (v: ContactVoice) => {
    const had = voices.get(v.contactId);
    if (!had || v.at > had.at) voices.set(v.contactId, v);
  };
  for (const r of comments) {
    const s = JSON.parse(r.sentiment) as Sentiment;
    const contactName = nameOf.get(r.contactId) ?? "The contact";
    keep({ contactId: r.contactId, contactName, at: r.at, label: s.label, score: s.score, source: { type: "comment", id: r.id, ticketId: r.ticketId, ticketTitle: `#${r.number} ${r.subject}`, quote: quoteOf(r.body) } });
  }
  for (const r of callRows) {
    const s = JSON.parse(r.sentiment) as SentimentRollup;
    const contactName = nameOf.get(r.contactId) ?? "The contact";
    const quote = callQuote(JSON.parse(r.segments) as TranscriptSegment[], s, r.summary);
    keep({ contactId: r.contactId, contactName, at: r.at, label: s.label, score: s.score, source: { type: "call", id: r.id, quote } });
  }
  return voices;
}

/** Runs the rules now, whatever the throttle says. Returns how many insights were raised or refreshed, and whether the budget ran out. */
export async function sweepOrgInsights(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, now: number): Promise<{ raised: number; resolved: number; complete: boolean }> {
  const zone = await orgTimeZone(db, orgId);
  const dateOf = (ms: number) => localDateOf(ms, zone);
  const today = dateOf(now);
  const [open, activityOf, voiceOf, current] = await Promise.all([
    openDeals(db, orgId),
    lastActivities(db, orgId),
    contactVoices(db, orgId),
    db.select({ dedupeKey: insights.dedupeKey, headline: insights.headline }).from(insights).where(and(eq(insights.orgId, orgId), isNull(insights.resolvedAt))),
  ]);
  const headlineOf = new Map(current.map((c) => [c.dedupeKey, c.headline]));
  const holding = new Set<string>();
  let raised = 0;
  let complete = true;
  for (const deal of open) {
    const findings = dealRiskFindings(deal, { lastActivity: activityOf.get(deal.id), voice: deal.contactId ? voiceOf.get(deal.contactId) : undefined }, now, today, dateOf);
    for (const finding of findings) {
      holding.add(finding.dedupeKey);
      if (headlineOf.get(finding.dedupeKey) === finding.headline) continue;
      if (raised >= RAISE_BUDGET) {
        complete = false;
        continue;
      }
      await raiseInsight(env, db, { ...finding, orgId, by: null });
      raised++;
    }
  }
  const gone = current.map((c) => c.dedupeKey).filter((k) => k.startsWith(DEAL_RISK_PREFIX) && !holding.has(k));
  for (let i = 0; i < gone.length; i += 50) {
    await db
      .update(insights)
      .set({ resolvedAt: now })
      .where(and(eq(insights.orgId, orgId), isNull(insights.resolvedAt), sql`${insights.dedupeKey} IN (${sql.join(gone.slice(i, i + 50).map((k) => sql`${k}`), sql`, `)})`));
  }
  return { raised, resolved: gone.length, complete };
}

/**
 * Sweeps when due: the inputs changed since the last complete sweep, or it is
 * an hour old. The marker lives in KV; two readers racing both sweep, which
 * is harmless (raising is an upsert).
 */
export async function refreshOrgInsights(env: SweepEnv, db: Db, orgId: string, now: number): Promise<boolean> {
  const [print, last] = await Promise.all([fingerprint(db, orgId), env.CACHE.get<{ print: string; at: number }>(sweepKey(orgId), "json")]);
  if (last && last.print === print && now - last.at < RECHECK_MS) return false;
  const { complete } = await sweepOrgInsights(env, db, orgId, now);
  if (complete) await env.CACHE.put(sweepKey(orgId), JSON.stringify({ print, at: now }), { expirationTtl: 2 * 24 * 3600 });
  return true;
}

/** Cron: organizations with open deals, ORGS_PER_TICK a tick in turn, each when due; one failing never stops the rest. */
export const insightSweepTask: ScheduledTask = async (env, at) => {
  const cursor = (await env.CACHE.get(SWEEP_CURSOR)) ?? "";
  const orgs = await directoryDb(env)
    .selectDistinct({ orgId: deals.orgId })
    .from(deals)
    .where(and(eq(deals.status, "open"), gt(deals.orgId, cursor)))
    .orderBy(asc(deals.orgId))
    .limit(ORGS_PER_TICK);
  await env.CACHE.put(SWEEP_CURSOR, orgs.length === ORGS_PER_TICK ? orgs[orgs.length - 1]!.orgId : "");
  for (const { orgId } of orgs) {
    try {
      await refreshOrgInsights(env, orgDb(env, orgId), orgId, at.getTime());
    } catch (err) {
      console.error(JSON.stringify({ level: "error", msg: "insight sweep failed", orgId, err: String(err) }));
    }
  }
};
