import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { detectBreaches, nextDueInOrg } from "./sla-breaches";

/** Never wake more often than this, even if many targets fall due together. */
const MIN_GAP_MS = 1000;

/**
 * One per organization: an alarm set to the earliest running SLA target.
 * When it fires it flags what is due and re-arms for the next target. The
 * cron scan does the same for every organization in production; this clock
 * is what makes breaches appear locally, where crons do not fire.
 */
export class SlaClock extends DurableObject<Env> {
  async arm(orgId: string, at: number): Promise<void> {
    await this.ctx.storage.put("orgId", orgId);
    const current = await this.ctx.storage.getAlarm();
    if (current === null || at < current) await this.ctx.storage.setAlarm(Math.max(at, Date.now() + MIN_GAP_MS));
  }

  /** When the alarm is set for, or null; for tests and diagnostics. */
  async scheduledAt(): Promise<number | null> {
    return this.ctx.storage.getAlarm();
  }

  override async alarm(): Promise<void> {
    const orgId = await this.ctx.storage.get<string>("orgId");
    if (!orgId) return;
    const now = Date.now();
    await detectBreaches(this.env, now, orgId);
    const next = await nextDueInOrg(this.env, orgId);
    if (next !== null) await this.ctx.storage.setAlarm(Math.max(next, now + MIN_GAP_MS));
  }
}
