import { and, eq, gt, isNotNull, isNull, or } from "drizzle-orm";
import { insights, insightStates, type Insight, type InsightEvidence, type InsightKind, type InsightRecordType } from "../../schema";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { newId } from "../platform/ids";
import { recordAudience } from "../platform/record-audience";
import { publishEvent } from "../platform/room-rpc";

export interface RaiseInsightInput {
  orgId: string;
  kind: InsightKind;
  record: { type: InsightRecordType; id: string; title: string };
  headline: string;
  evidence: InsightEvidence[];
  /** One open insight per rule and record, e.g. "deal_at_risk:stale:<dealId>". */
  dedupeKey: string;
  /** Who asked for it; null for background work. */
  by?: string | null;
}

/** Members who set this insight aside (dismissed, or snoozed until later): a refresh does not toast them again. */
async function setAside(db: Db, insightId: string, now: number): Promise<Set<string>> {
  const rows = await db
    .select({ userId: insightStates.userId })
    .from(insightStates)
    .where(and(eq(insightStates.insightId, insightId), or(isNotNull(insightStates.dismissedAt), gt(insightStates.snoozedUntil, now))));
  return new Set(rows.map((r) => r.userId));
}

/**
 * Raises (or refreshes) the insight a rule found, then tells the members who
 * may see its record. An open insight with the same dedupe key is refreshed in
 * place, and only re-announced when its headline changed; a resolved one
 * reopens as a new occurrence, so dismissals and snoozes of the old one no
 * longer hide it. A record that no longer exists raises nothing (null).
 * Announcing is best effort: the inbox entry is committed first.
 */
export async function raiseInsight(env: Pick<Env, "ORG_ROOM">, db: Db, input: RaiseInsightInput): Promise<Insight | null> {
  const { orgId, kind, record, headline, dedupeKey } = input;
  // The record itself is always the first piece of evidence: the inbox reads its title from there.
  const cited = input.evidence.some((e) => e.type === record.type && e.id === record.id);
  const evidence = cited ? input.evidence : [{ type: record.type, id: record.id, title: record.title }, ...input.evidence];
  const audience = await recordAudience(db, orgId, record.type, record.id);
  if (!audience) return null;
  const now = Date.now();
  const before = await db.select().from(insights).where(and(eq(insights.orgId, orgId), eq(insights.dedupeKey, dedupeKey))).get();
  const reopened = !!before && before.resolvedAt !== null;
  const values = { kind, recordType: record.type, recordId: record.id, headline, evidence, updatedAt: now, resolvedAt: null };
  let rows: Insight[];
  if (!before) {
    rows = await db
      .insert(insights)
      .values({ id: newId(), orgId, dedupeKey, createdAt: now, ...values })
      .onConflictDoUpdate({ target: [insights.orgId, insights.dedupeKey], set: values })
      .returning();
  } else if (reopened) {
    [rows] = await db.batch([
      db.update(insights).set({ ...values, createdAt: now }).where(eq(insights.id, before.id)).returning(),
      db.delete(insightStates).where(eq(insightStates.insightId, before.id)),
    ]);
  } else {
    rows = await db.update(insights).set(values).where(eq(insights.id, before.id)).returning();
  }
  const insight = rows[0]!;
  const news = !before || reopened || before.headline !== headline;
  if (news) await announce(env, db, insight, record, input.by ?? null, audience, now);
  return insight;
}

async function announce(env: Pick<Env, "ORG_ROOM">, db: Db, insight: Insight, record: RaiseInsightInput["record"], by: string | null, audience: string[], now: number) {
  try {
    const aside = await setAside(db, insight.id, now);
    const userIds = audience.filter((u) => !aside.has(u));
    if (!userIds.length) return;
    await publishEvent(
      env,
      insight.orgId,
      "ai_insight",
      { kind: insight.kind, record, headline: insight.headline, by, insightId: insight.id, evidence: insight.evidence },
      userIds,
    );
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "insight not announced", orgId: insight.orgId, err: String(err) }));
  }
}

/** The rule's condition no longer holds: its open insight leaves every inbox. */
export async function resolveInsight(db: Db, orgId: string, dedupeKey: string): Promise<void> {
  await db
    .update(insights)
    .set({ resolvedAt: Date.now() })
    .where(and(eq(insights.orgId, orgId), eq(insights.dedupeKey, dedupeKey), isNull(insights.resolvedAt)));
}
