import { eq, lt, sql } from "drizzle-orm";
import { directoryDb, type Db } from "./db";
import { AppError } from "./errors";
import type { ScheduledTask } from "./scheduled-tasks";
import { rateLimits } from "../../schema";

export interface RateLimitResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

/**
 * No counter's window may be longer, so any row whose window started longer
 * ago than this has ended and can be purged without knowing its own window.
 */
export const MAX_WINDOW_MS = 24 * 3600 * 1000;

/**
 * Fixed-window counter in one atomic upsert: D1 runs statements one at a
 * time, so concurrent attempts cannot both slip under the limit.
 */
export async function hitRateLimit(
  db: Db,
  key: string,
  limit: number,
  windowMs: number,
  now = Date.now(),
): Promise<RateLimitResult> {
  if (windowMs > MAX_WINDOW_MS) throw new Error(`Rate-limit window for ${key} exceeds MAX_WINDOW_MS`);
  const cutoff = now - windowMs;
  const [row] = await db
    .insert(rateLimits)
    .values({ key, windowStart: now, count: 1 })
    .onConflictDoUpdate({
      target: rateLimits.key,
      set: {
        count: sql`CASE WHEN ${rateLimits.windowStart} <= ${cutoff} THEN 1 ELSE ${rateLimits.count} + 1 END`,
        windowStart: sql`CASE WHEN ${rateLimits.windowStart} <= ${cutoff} THEN ${now} ELSE ${rateLimits.windowStart} END`,
      },
    })
    .returning();
  if (!row || row.count <= limit) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row.windowStart + windowMs - now) / 1000)) };
}

/** Whether a counter already spent its budget, without counting this request. */
export async function peekRateLimit(db: Db, key: string, limit: number, windowMs: number, now = Date.now()): Promise<RateLimitResult> {
  const row = await db.select().from(rateLimits).where(eq(rateLimits.key, key)).get();
  if (!row || row.windowStart <= now - windowMs || row.count < limit) return { allowed: true, retryAfterSeconds: 0 };
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((row.windowStart + windowMs - now) / 1000)) };
}

/** Throws `rate_limited` with the longest wait when any of the counters is over its limit. */
export function enforceRateLimits(results: RateLimitResult[], what: string): void {
  const blocked = results.filter((r) => !r.allowed);
  if (blocked.length === 0) return;
  const wait = Math.max(...blocked.map((r) => r.retryAfterSeconds));
  throw new AppError("rate_limited", `Too many ${what}; try again in ${wait} s`, undefined, { "Retry-After": String(wait) });
}

/** Deletes counters whose window is over: every key (each IP, each email tried) would otherwise stay forever. */
export async function purgeExpiredRateLimits(db: Db, now = Date.now()): Promise<number> {
  const result = await db.delete(rateLimits).where(lt(rateLimits.windowStart, now - MAX_WINDOW_MS)).run();
  return result.meta.changes;
}

/** The cron's share: worker/index.ts schedules it. */
export const purgeRateLimitsTask: ScheduledTask = async (env, at) => {
  await purgeExpiredRateLimits(directoryDb(env), at.getTime());
};
