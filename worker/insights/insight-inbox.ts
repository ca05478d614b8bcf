import { and, desc, eq, isNull, lte, or, sql, type SQL } from "drizzle-orm";
import { INSIGHT_RECORD_TYPES, insights, insightStates, type Insight, type InsightEvidence, type InsightKind, type InsightRecordType } from "../../schema";
import type { Db } from "../platform/db";
import { invalid, notFound } from "../platform/errors";
import { visibleReference, type RecordViewer } from "../platform/record-audience";

/**
 * A member's insight inbox: the open insights whose record they may still
 * see, minus those they dismissed or snoozed past now. What one member does
 * with an insight is theirs alone. An insight whose record they may not see,
 * or one from another organization, answers 404 like a missing one.
 */
export interface InsightView {
  id: string;
  kind: InsightKind;
  record: { type: InsightRecordType; id: string; title: string };
  headline: string;
  evidence: InsightEvidence[];
  createdAt: number;
  updatedAt: number;
  resolvedAt: number | null;
  dismissedAt: number | null;
  snoozedUntil: number | null;
}

type StateRow = { dismissedAt: number | null; snoozedUntil: number | null } | null;

export function insightView(row: Insight, state: StateRow): InsightView {
  const own = row.evidence.find((e) => e.type === row.recordType && e.id === row.recordId);
  return {
    id: row.id,
    kind: row.kind,
    record: { type: row.recordType, id: row.recordId, title: own?.title ?? row.headline },
    headline: row.headline,
    evidence: row.evidence,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    resolvedAt: row.resolvedAt,
    dismissedAt: state?.dismissedAt ?? null,
    snoozedUntil: state?.snoozedUntil ?? null,
  };
}

const visible = (orgId: string, viewer: RecordViewer) => visibleReference(orgId, viewer, insights.recordType, insights.recordId, INSIGHT_RECORD_TYPES);

/** Open, visible, neither dismissed nor snoozed past `now`: what the inbox shows. */
function inboxConditions(orgId: string, viewer: RecordViewer, now: number, kind?: InsightKind): SQL[] {
  return [
    eq(insights.orgId, orgId),
    isNull(insights.resolvedAt),
    visible(orgId, viewer),
    isNull(insightStates.dismissedAt),
    or(isNull(insightStates.snoozedUntil), lte(insightStates.snoozedUntil, now))!,
    ...(kind ? [eq(insights.kind, kind)] : []),
  ];
}

const joinMine = (userId: string) => and(eq(insightStates.insightId, insights.id), eq(insightStates.userId, userId));

export async function listInbox(
  db: Db,
  orgId: string,
  viewer: RecordViewer,
  q: { page: number; perPage: number; kind?: InsightKind; now?: number },
): Promise<{ rows: InsightView[]; total: number }> {
  const now = q.now ?? Date.now();
  const where = and(...inboxConditions(orgId, viewer, now, q.kind));
  const [rows, [count]] = await Promise.all([
    db
      .select({ insight: insights, dismissedAt: insightStates.dismissedAt, snoozedUntil: insightStates.snoozedUntil })
      .from(insights)
      .leftJoin(insightStates, joinMine(viewer.userId))
      .where(where)
      .orderBy(desc(insights.createdAt), desc(insights.id))
      .limit(q.perPage)
      .offset((q.page - 1) * q.perPage),
    db.select({ total: sql<number>`count(*)` }).from(insights).leftJoin(insightStates, joinMine(viewer.userId)).where(where),
  ]);
  return { rows: rows.map((r) => insightView(r.insight, r)), total: count?.total ?? 0 };
}

/** One insight the viewer may see (open or not), with their own state. */
async function requireInsight(db: Db, orgId: string, viewer: RecordViewer, id: string) {
  const row = await db
    .select({ insight: insights, dismissedAt: insightStates.dismissedAt, snoozedUntil: insightStates.snoozedUntil })
    .from(insights)
    .leftJoin(insightStates, joinMine(viewer.userId))
    .where(and(eq(insights.orgId, orgId), eq(insights.id, id), visible(orgId, viewer)))
    .get();
  if (!row) throw notFound("Insight");
  return row;
}

async function setState(db: Db, orgId: string, viewer: RecordViewer, id: string, change: { dismissedAt?: number | null; snoozedUntil?: number | null }) {
  const { insight, ...state } = await requireInsight(db, orgId, viewer, id);
  const next = { dismissedAt: state.dismissedAt, snoozedUntil: state.snoozedUntil, ...change };
  await db
    .insert(insightStates)
    .values({ insightId: id, userId: viewer.userId, orgId, ...next })
    .onConflictDoUpdate({ target: [insightStates.insightId, insightStates.userId], set: change });
  return insightView(insight, next);
}

export const dismissInsight = (db: Db, orgId: string, viewer: RecordViewer, id: string) => setState(db, orgId, viewer, id, { dismissedAt: Date.now() });

/** The longest snooze: past it, a rule that still holds deserves another look. */
export const MAX_SNOOZE_MS = 90 * 24 * 3600_000;

export function snoozeUntil(input: { until?: number; hours?: number }, now = Date.now()): number {
  const until = input.until ?? (input.hours !== undefined ? now + input.hours * 3600_000 : undefined);
  if (until === undefined) throw invalid({ until: ["Give until (epoch ms) or hours"] });
  if (until <= now) throw invalid({ until: ["Must be in the future"] });
  if (until > now + MAX_SNOOZE_MS) throw invalid({ until: ["At most 90 days ahead"] });
  return until;
}

export const snoozeInsight = (db: Db, orgId: string, viewer: RecordViewer, id: string, input: { until?: number; hours?: number }) =>
  setState(db, orgId, viewer, id, { snoozedUntil: snoozeUntil(input) });

export const unsnoozeInsight = (db: Db, orgId: string, viewer: RecordViewer, id: string) => setState(db, orgId, viewer, id, { snoozedUntil: null });

/** How many insights the inbox shows now, for a badge. */
export async function inboxCount(db: Db, orgId: string, viewer: RecordViewer): Promise<number> {
  const [row] = await db
    .select({ n: sql<number>`count(*)` })
    .from(insights)
    .leftJoin(insightStates, joinMine(viewer.userId))
    .where(and(...inboxConditions(orgId, viewer, Date.now())));
  return row?.n ?? 0;
}
