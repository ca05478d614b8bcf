import { eq } from "drizzle-orm";
import type { Env } from "../platform/env";
import { ownRecordsOnly } from "../platform/access";
import type { Db } from "../platform/db";
import { memberships, type Activity } from "../../schema";
import type { Actor } from "../platform/records";
import { publishEvent } from "../platform/room-rpc";

export type ActivityAction = "created" | "updated" | "deleted";

/** An activity as the timeline needs it; `publicRecord` output or the stored row. */
type ActivityLike = Pick<Activity, "id" | "ownerId" | "dealId" | "contactId" | "leadId" | "companyId">;

/** What a member who may not see the activity still learns: that it is gone from their view, by id. */
const idsOf = (a: ActivityLike) => ({ id: a.id, dealId: a.dealId, contactId: a.contactId, leadId: a.leadId, companyId: a.companyId });

/**
 * Publishes `activity_changed {action, activity, by}` so open timelines refresh
 * live. Under row-level access ("own"), members restricted to their own
 * records only get activities they own; one who just lost an activity to
 * someone else gets `action: "removed"` with its ids only. Best effort: the
 * write is committed already.
 */
export async function publishActivityChanged(
  env: Pick<Env, "ORG_ROOM">,
  db: Db,
  orgId: string,
  actor: Actor,
  action: ActivityAction,
  activity: ActivityLike,
  formerOwnerId?: string | null,
) {
  const full = action === "deleted" ? idsOf(activity) : activity;
  const event = { action, activity: full, by: actor.userId };
  try {
    if (actor.recordVisibility !== "own") {
      await publishEvent(env, orgId, "activity_changed", event);
      return;
    }
    const members = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId));
    const sees = (m: (typeof members)[number]) => !ownRecordsOnly({ role: m.role, recordVisibility: "own" }) || m.userId === activity.ownerId;
    const allowed = members.filter(sees).map((m) => m.userId);
    const lost = formerOwnerId && formerOwnerId !== activity.ownerId && members.some((m) => m.userId === formerOwnerId && !sees(m));
    await Promise.all([
      allowed.length ? publishEvent(env, orgId, "activity_changed", event, allowed) : 0,
      lost ? publishEvent(env, orgId, "activity_changed", { action: "removed", activity: idsOf(activity), by: actor.userId }, [formerOwnerId]) : 0,
    ]);
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "activity event not published", orgId, err: String(err) }));
  }
}
