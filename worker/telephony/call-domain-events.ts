import type { CallRow } from "../../schema";
import type { Db } from "../platform/db";
import { publishDomainEvents, type DomainEventInput } from "../platform/domain-events";
import type { AuthContext, Env } from "../platform/env";
import { partyNames } from "./call-matching";
import { callView } from "./call-view";

/**
 * A call change as automation sees it, in the call view's shape: created,
 * updated (an ended call included), and `call.missed` when an inbound call
 * ends never answered. Provider events have no acting member.
 */
export async function publishCallChange(
  env: Pick<Env, "JOBS">,
  db: Db,
  orgId: string,
  change: { before: CallRow; after: CallRow; created: boolean; ended: boolean },
  actor: Pick<AuthContext, "userId" | "origin"> | null = null,
) {
  const { before, after } = change;
  const names = await partyNames(db, orgId, [before, after]);
  const record = callView(after, names) as unknown as Record<string, unknown>;
  const base = { orgId, entity: "call" as const, entityId: after.id, record, actor };
  const inputs: DomainEventInput[] = [
    change.created ? { ...base, type: "call.created" } : { ...base, type: "call.updated", previous: callView(before, names) as unknown as Record<string, unknown> },
  ];
  if (change.ended && after.direction === "inbound" && after.answeredAt === null) {
    inputs.push({ ...base, type: "call.missed", context: { status: after.status, queueId: after.queueId, from: after.fromNumber } });
  }
  await publishDomainEvents(env, inputs);
}
