import { and, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { memberships, organizations, type EventOrigin } from "../../../schema";

/**
 * The authority a run acts with: its workflow owner's membership as it is
 * now (a demoted owner's workflow can do only what the new role allows; a
 * removed owner's cannot act at all), with the run's origin so the changes it
 * makes raise events the loop guard can read.
 */
export async function ownerAuthority(db: Db, orgId: string, ownerId: string, origin: EventOrigin): Promise<AuthContext | null> {
  const member = await db
    .select({ role: memberships.role, settings: organizations.settings })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.orgId))
    .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, ownerId)))
    .get();
  if (!member) return null;
  return {
    userId: ownerId,
    orgId,
    role: member.role,
    sessionId: `workflow:${origin.workflowId}`,
    recordVisibility: member.settings.recordVisibility ?? "all",
    origin,
  };
}

/** The origin a run's actions carry: the chain that led here, plus this workflow. */
export const runOrigin = (workflowId: string, runId: string, cause: EventOrigin | null): EventOrigin => ({
  workflowId,
  runId,
  chain: [...(cause?.chain ?? []), workflowId],
});

/** Audit rows of a run's actions carry this request id; the audit log reads "via workflow" from it. */
export const runRequestId = (workflowId: string, runId: string) => `workflow:${workflowId}:${runId}`;
