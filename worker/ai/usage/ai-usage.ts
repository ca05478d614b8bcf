import { and, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { enforceRateLimits, hitRateLimit } from "../../platform/rate-limit";
import { aiSettings, aiUsage, type AiCapability, type AiFeature, type AiProviderName } from "../../../schema";

/**
 * Metering: every model call writes one usage row (tokens, or seconds of
 * audio) for its organization and user. Before a call, the organization's
 * monthly budget and the per-user and per-organization request rates are
 * checked; either spent answers 429 `rate_limited` with Retry-After.
 * Months are calendar months in UTC, the same for every member.
 */

const MINUTE = 60_000;
const DEFAULT_TOKEN_BUDGET = 2_000_000;
const DEFAULT_AUDIO_SECONDS_BUDGET = 10 * 3600;
const DEFAULT_USER_REQUESTS_PER_MINUTE = 20;
/** An organization's members together may send this many times one member's rate. */
const ORG_RATE_MULTIPLE = 6;

type BudgetEnv = Pick<Env, "AI_MONTHLY_TOKEN_BUDGET" | "AI_MONTHLY_AUDIO_SECONDS_BUDGET" | "AI_REQUESTS_PER_MINUTE">;

const positiveInt = (raw: string | undefined, fallback: number) => {
  const n = Number(raw);
  return Number.isInteger(n) && n > 0 ? n : fallback;
};

export function monthWindow(now: number) {
  const d = new Date(now);
  const start = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
  const end = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
  return { start, end, label: new Date(start).toISOString().slice(0, 7) };
}

export interface AiBudgets {
  monthlyTokens: number;
  monthlyAudioSeconds: number;
  userRequestsPerMinute: number;
}

export async function budgetsOf(env: BudgetEnv, db: Db, orgId: string): Promise<AiBudgets> {
  const own = await db
    .select({ tokens: aiSettings.monthlyTokenBudget, audio: aiSettings.monthlyAudioSecondsBudget })
    .from(aiSettings)
    .where(eq(aiSettings.orgId, orgId))
    .get();
  return {
    monthlyTokens: own?.tokens ?? positiveInt(env.AI_MONTHLY_TOKEN_BUDGET, DEFAULT_TOKEN_BUDGET),
    monthlyAudioSeconds: own?.audio ?? positiveInt(env.AI_MONTHLY_AUDIO_SECONDS_BUDGET, DEFAULT_AUDIO_SECONDS_BUDGET),
    userRequestsPerMinute: positiveInt(env.AI_REQUESTS_PER_MINUTE, DEFAULT_USER_REQUESTS_PER_MINUTE),
  };
}

export async function monthTotals(db: Db, orgId: string, now = Date.now()) {
  const { start, end } = monthWindow(now);
  const row = await db
    .select({
      tokens: sql<number>`coalesce(sum(${aiUsage.inputTokens} + ${aiUsage.outputTokens}), 0)`,
      audioSeconds: sql<number>`coalesce(sum(${aiUsage.audioSeconds}), 0)`,
    })
    .from(aiUsage)
    .where(and(eq(aiUsage.orgId, orgId), gte(aiUsage.createdAt, start), lt(aiUsage.createdAt, end)))
    .get();
  return { tokens: row?.tokens ?? 0, audioSeconds: row?.audioSeconds ?? 0 };
}

function budgetSpent(what: string, now: number) {
  const { end } = monthWindow(now);
  const wait = Math.max(1, Math.ceil((end - now) / 1000));
  return new AppError(
    "rate_limited",
    `This organization's monthly AI budget for ${what} is spent; it renews on ${new Date(end).toISOString().slice(0, 10)} (UTC). An owner or admin can raise it under Settings → AI.`,
    { budget: what },
    { "Retry-After": String(wait) },
  );
}

/** Throws 429 when the organization's month is spent for this capability. */
export async function assertWithinBudget(env: BudgetEnv, db: Db, orgId: string, capability: AiCapability, now = Date.now()) {
  const [budgets, totals] = await Promise.all([budgetsOf(env, db, orgId), monthTotals(db, orgId, now)]);
  if (capability === "chat" && totals.tokens >= budgets.monthlyTokens) throw budgetSpent("tokens", now);
  if (capability === "transcription" && totals.audioSeconds >= budgets.monthlyAudioSeconds) throw budgetSpent("audio", now);
}

/** A member's request for a model answer: counts against their rate and the organization's, then checks the budget. */
export async function admitAiRequest(env: BudgetEnv, db: Db, who: { orgId: string; userId: string }, capability: AiCapability) {
  const perUser = positiveInt(env.AI_REQUESTS_PER_MINUTE, DEFAULT_USER_REQUESTS_PER_MINUTE);
  // Counted and checked together: the rate comes first in what the caller hears, the budget right after.
  const [rates, budget] = await Promise.all([
    Promise.all([
      hitRateLimit(db, `ai:user:${who.orgId}:${who.userId}`, perUser, MINUTE),
      hitRateLimit(db, `ai:org:${who.orgId}`, perUser * ORG_RATE_MULTIPLE, MINUTE),
    ]),
    assertWithinBudget(env, db, who.orgId, capability).then(() => null, (err: unknown) => err),
  ]);
  enforceRateLimits(rates, "AI requests");
  if (budget) throw budget;
}

export interface UsageEntry {
  orgId: string;
  userId: string | null;
  feature: AiFeature;
  provider: AiProviderName;
  model: string;
  inputTokens?: number;
  outputTokens?: number;
  audioSeconds?: number;
}

export async function recordAiUsage(db: Db, entry: UsageEntry, now = Date.now()) {
  await db.insert(aiUsage).values({
    id: newId(),
    orgId: entry.orgId,
    userId: entry.userId,
    feature: entry.feature,
    provider: entry.provider,
    model: entry.model,
    inputTokens: Math.max(0, Math.round(entry.inputTokens ?? 0)),
    outputTokens: Math.max(0, Math.round(entry.outputTokens ?? 0)),
    audioSeconds: Math.max(0, Math.ceil(entry.audioSeconds ?? 0)),
    createdAt: now,
  });
}
