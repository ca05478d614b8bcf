import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { aiUsage, users } from "../../../schema";
import { budgetsOf, monthWindow } from "./ai-usage";

/** This month's AI use for admins: totals against the budgets, and who and what spent it. */
export async function usageReport(env: Env, db: Db, orgId: string, now = Date.now()) {
  const { start, end, label } = monthWindow(now);
  const inMonth = and(eq(aiUsage.orgId, orgId), gte(aiUsage.createdAt, start), lt(aiUsage.createdAt, end));
  const sums = {
    inputTokens: sql<number>`coalesce(sum(${aiUsage.inputTokens}), 0)`,
    outputTokens: sql<number>`coalesce(sum(${aiUsage.outputTokens}), 0)`,
    audioSeconds: sql<number>`coalesce(sum(${aiUsage.audioSeconds}), 0)`,
    requests: sql<number>`count(*)`,
  };
  const [budgets, totals, byUser, byFeature] = await Promise.all([
    budgetsOf(env, db, orgId),
    db.select(sums).from(aiUsage).where(inMonth).get(),
    db
      .select({ userId: aiUsage.userId, name: users.name, email: users.email, ...sums })
      .from(aiUsage)
      .leftJoin(users, eq(users.id, aiUsage.userId))
      .where(inMonth)
      .groupBy(aiUsage.userId)
      .orderBy(sql`sum(${aiUsage.inputTokens} + ${aiUsage.outputTokens}) desc`),
    db.select({ feature: aiUsage.feature, ...sums }).from(aiUsage).where(inMonth).groupBy(aiUsage.feature),
  ]);
  const t = totals ?? { inputTokens: 0, outputTokens: 0, audioSeconds: 0, requests: 0 };
  return {
    month: label,
    resetsAt: end,
    budgets,
    totals: { ...t, tokens: t.inputTokens + t.outputTokens },
    byUser: byUser.map((u) => ({ ...u, name: u.userId ? (u.name ?? "Former member") : "Background jobs", email: u.email ?? null })),
    byFeature,
  };
}
