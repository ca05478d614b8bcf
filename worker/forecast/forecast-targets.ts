/**
 * Sales targets per owner, period and currency. Written in one batch with its
 * audit row: a request with one bad entry changes nothing.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { forecastTargets, memberships } from "../../schema";
import { auditStatement } from "../platform/audit-writer";
import type { Db } from "../platform/db";
import type { AuthContext } from "../platform/env";
import { invalid } from "../platform/errors";
import type { ForecastScope } from "./forecast";

export interface TargetView {
  ownerId: string;
  period: string;
  currency: string;
  amount: number;
  updatedBy: string | null;
  updatedAt: number;
}

export interface TargetInput {
  ownerId: string;
  period: string;
  currency: string;
  /** Null removes the target. */
  amount: number | null;
}

export async function listTargets(db: Db, scope: ForecastScope, q: { period?: string; ownerId?: string }): Promise<TargetView[]> {
  const conditions = [eq(forecastTargets.orgId, scope.orgId)];
  if (scope.onlyOwnerId) conditions.push(eq(forecastTargets.ownerId, scope.onlyOwnerId));
  if (q.period) conditions.push(eq(forecastTargets.period, q.period));
  if (q.ownerId) conditions.push(eq(forecastTargets.ownerId, q.ownerId));
  return db
    .select({
      ownerId: forecastTargets.ownerId,
      period: forecastTargets.period,
      currency: forecastTargets.currency,
      amount: forecastTargets.amount,
      updatedBy: forecastTargets.updatedBy,
      updatedAt: forecastTargets.updatedAt,
    })
    .from(forecastTargets)
    .where(and(...conditions))
    .orderBy(asc(forecastTargets.period), asc(forecastTargets.ownerId), asc(forecastTargets.currency));
}

const keyOf = (t: Pick<TargetInput, "ownerId" | "period" | "currency">) => `${t.ownerId}\u0000${t.period}\u0000${t.currency}`;

export async function setTargets(db: Db, auth: AuthContext, items: TargetInput[], requestId?: string): Promise<TargetView[]> {
  const seen = new Set<string>();
  items.forEach((t, i) => {
    if (seen.has(keyOf(t))) throw invalid({ [`targets.${i}`]: ["The same owner, period and currency appears twice"] });
    seen.add(keyOf(t));
  });
  const owners = [...new Set(items.map((t) => t.ownerId))];
  const members = new Set(
    (
      await db
        .select({ userId: memberships.userId })
        .from(memberships)
        .where(and(eq(memberships.orgId, auth.orgId), inArray(memberships.userId, owners)))
    ).map((m) => m.userId),
  );
  const strangers = items.flatMap((t, i) => (members.has(t.ownerId) ? [] : [i]));
  if (strangers.length) throw invalid(Object.fromEntries(strangers.map((i) => [`targets.${i}.ownerId`, ["Not a member of this organization"]])));

  const now = Date.now();
  const statements = items.map((t) => {
    const key = and(
      eq(forecastTargets.orgId, auth.orgId),
      eq(forecastTargets.ownerId, t.ownerId),
      eq(forecastTargets.period, t.period),
      eq(forecastTargets.currency, t.currency),
    );
    if (t.amount === null) return db.delete(forecastTargets).where(key);
    const row = { orgId: auth.orgId, ownerId: t.ownerId, period: t.period, currency: t.currency, amount: t.amount, updatedBy: auth.userId, updatedAt: now };
    return db
      .insert(forecastTargets)
      .values(row)
      .onConflictDoUpdate({
        target: [forecastTargets.orgId, forecastTargets.ownerId, forecastTargets.period, forecastTargets.currency],
        set: { amount: t.amount, updatedBy: auth.userId, updatedAt: now },
      });
  });
  const audit = auditStatement(db, auth.orgId, {
    actorId: auth.userId,
    action: "forecast.targets_set",
    entity: "forecast_target",
    entityId: auth.orgId,
    changes: { targets: items },
    requestId,
  });
  await db.batch([audit, ...statements]);
  const periods = [...new Set(items.map((t) => t.period))];
  const written = await db
    .select()
    .from(forecastTargets)
    .where(and(eq(forecastTargets.orgId, auth.orgId), inArray(forecastTargets.period, periods), inArray(forecastTargets.ownerId, owners)));
  return written
    .filter((w) => seen.has(keyOf(w)))
    .map(({ ownerId, period, currency, amount, updatedBy, updatedAt }) => ({ ownerId, period, currency, amount, updatedBy, updatedAt }));
}
