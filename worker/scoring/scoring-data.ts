import { sql } from "drizzle-orm";
import type { ScoredType } from "../../schema/scoring";
import type { Db } from "../platform/db";
import { dealFeatures, leadFeatures, type FlatFeatures } from "./record-features";

/**
 * Reads leads or deals with what scoring needs about them, a page at a time:
 * their own fields, their company's industry and size, and activity counts
 * as of `asOf` (the outcome's time for a closed record, else `now`).
 */
export interface ScoringRecord {
  id: string;
  title: string;
  ownerId: string | null;
  /** 1 = converted / won, 0 = unqualified / lost, null = still open. */
  outcome: 0 | 1 | null;
  outcomeAt: number | null;
  features: FlatFeatures;
}

const DAY = 86_400_000;

interface Row {
  id: string;
  title: string;
  owner_id: string | null;
  status: string;
  outcome_at: number | null;
  as_of: number;
  tags: string;
  created_at: number;
  industry: string | null;
  size: string | null;
  a7: number | null;
  a30: number | null;
  last_at: number | null;
  first_at: number | null;
  [key: string]: unknown;
}

/** Activities up to `as_of`, joined per page row; counts and first/last times. */
const activityColumns = sql`coalesce(sum(a.created_at > p.as_of - ${7 * DAY}), 0) AS a7,
  coalesce(sum(a.created_at > p.as_of - ${30 * DAY}), 0) AS a30,
  max(a.created_at) AS last_at, min(a.created_at) AS first_at`;

/** Which records a run reads: all, those changed since a time (themselves or their activities), or some by id. */
export interface RecordFilter {
  since?: number;
  ids?: string[];
}

function narrowed(alias: "l" | "d", activityColumn: "lead_id" | "deal_id", f: RecordFilter) {
  const t = sql.raw(alias);
  const col = sql.raw(activityColumn);
  return sql.join([
    f.since === undefined ? sql`` : sql`AND (${t}.updated_at >= ${f.since} OR EXISTS (SELECT 1 FROM activities x WHERE x.org_id = ${t}.org_id AND x.${col} = ${t}.id AND x.updated_at >= ${f.since}))`,
    f.ids === undefined ? sql`` : sql`AND ${t}.id IN (SELECT value FROM json_each(${JSON.stringify(f.ids)}))`,
  ], sql` `);
}

function leadPage(orgId: string, now: number, after: string, limit: number, f: RecordFilter) {
  const changed = narrowed("l", "lead_id", f);
  return sql`WITH p AS (
      SELECT l.*, CASE l.status WHEN 'converted' THEN coalesce(l.converted_at, l.updated_at) WHEN 'unqualified' THEN l.updated_at END AS outcome_at
      FROM leads l WHERE l.org_id = ${orgId} AND l.id > ${after} ${changed} ORDER BY l.id LIMIT ${limit}
    ), q AS (SELECT p.*, coalesce(p.outcome_at, ${now}) AS as_of FROM p)
    SELECT p.id, trim(p.first_name || ' ' || p.last_name) AS title, p.owner_id, p.status, p.outcome_at, p.as_of, p.tags, p.created_at,
      p.source, p.title AS job_title, p.email, p.phone, c.industry, c.size, ${activityColumns}
    FROM q p
    LEFT JOIN companies c ON c.id = (SELECT id FROM companies WHERE org_id = p.org_id AND name = p.company_name LIMIT 1)
    LEFT JOIN activities a ON a.org_id = p.org_id AND a.lead_id = p.id AND a.created_at <= p.as_of
    GROUP BY p.id ORDER BY p.id`;
}

function dealPage(orgId: string, now: number, after: string, limit: number, f: RecordFilter) {
  const changed = narrowed("d", "deal_id", f);
  return sql`WITH p AS (
      SELECT d.*, CASE WHEN d.status IN ('won', 'lost') THEN coalesce(
        (SELECT max(h.at) FROM deal_stage_history h WHERE h.org_id = d.org_id AND h.deal_id = d.id AND h.to_status = d.status), d.updated_at) END AS outcome_at
      FROM deals d WHERE d.org_id = ${orgId} AND d.id > ${after} ${changed} ORDER BY d.id LIMIT ${limit}
    ), q AS (SELECT p.*, coalesce(p.outcome_at, ${now}) AS as_of FROM p)
    SELECT p.id, p.title, p.owner_id, p.status, p.outcome_at, p.as_of, p.tags, p.created_at,
      p.amount, p.currency, p.contact_id, p.lead_id, c.industry, c.size, ${activityColumns}
    FROM q p
    LEFT JOIN companies c ON c.id = p.company_id AND c.org_id = p.org_id
    LEFT JOIN activities a ON a.org_id = p.org_id AND a.deal_id = p.id AND a.created_at <= p.as_of
    GROUP BY p.id ORDER BY p.id`;
}

const OUTCOMES: Record<string, 0 | 1> = { converted: 1, unqualified: 0, won: 1, lost: 0 };

function toRecord(type: ScoredType, r: Row): ScoringRecord {
  const stats = { activities7: r.a7 ?? 0, activities30: r.a30 ?? 0, lastActivityAt: r.last_at, firstActivityAt: r.first_at };
  const tags = JSON.parse(r.tags || "[]") as string[];
  const company = { companyIndustry: r.industry, companySize: r.size };
  const features =
    type === "lead"
      ? leadFeatures({ ...stats, ...company, source: r.source as string | null, title: r.job_title as string | null, email: r.email as string | null, phone: r.phone as string | null, tags, createdAt: r.created_at }, r.as_of)
      : dealFeatures({ ...stats, ...company, amount: Number(r.amount), currency: String(r.currency), contactId: r.contact_id as string | null, leadId: r.lead_id as string | null, ownerId: r.owner_id, tags, createdAt: r.created_at }, r.as_of);
  return { id: r.id, title: r.title || "(untitled)", ownerId: r.owner_id, outcome: OUTCOMES[r.status] ?? null, outcomeAt: r.outcome_at, features };
}

/** The records of the type the filter lets through, page by page in id order. */
export async function* scoringRecords(db: Db, orgId: string, type: ScoredType, now: number, pageSize: number, filter: RecordFilter = {}) {
  let after = "";
  for (;;) {
    const query = type === "lead" ? leadPage(orgId, now, after, pageSize, filter) : dealPage(orgId, now, after, pageSize, filter);
    const rows = await db.all<Row>(query);
    if (rows.length === 0) return;
    yield rows.map((r) => toRecord(type, r));
    if (rows.length < pageSize) return;
    after = rows[rows.length - 1]!.id;
  }
}
