import { Cron } from "croner";

/**
 * When a schedule trigger fires next: a five-field cron expression read in
 * an IANA time zone, so "0 9 * * 1-5" in Europe/Berlin stays at 09:00 local
 * across daylight-saving changes. `now` is passed in, never read here.
 */

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone }).format(0);
    return true;
  } catch {
    return false;
  }
}

/** Why a cron expression is unusable, or null. */
export function cronProblem(cron: string, timeZone: string): string | null {
  if (cron.trim().split(/\s+/).length !== 5) return "Use five fields: minute hour day-of-month month day-of-week";
  try {
    const next = new Cron(cron, { timezone: timeZone, paused: true, mode: "5-part" }).nextRun(new Date());
    return next ? null : "This expression never fires";
  } catch (err) {
    return err instanceof Error ? err.message : "Not a cron expression";
  }
}

/** The first firing strictly after `now` (epoch ms), or null when it never fires again. */
export function nextFiring(cron: string, timeZone: string, now: number): number | null {
  const next = new Cron(cron, { timezone: timeZone, paused: true, mode: "5-part" }).nextRun(new Date(now));
  return next ? next.getTime() : null;
}
