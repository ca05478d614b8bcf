import type { DealRecord } from "../schema/board-document";
import type { DomainEvent, EventOrigin } from "../schema";
import { domainEvent } from "../worker/platform/domain-events";

/** Who changed a deal: a member, with the workflow's origin when a workflow acted as them. */
export interface DealActor {
  userId: string;
  origin?: EventOrigin | null;
}

/**
 * The events one change of a deal raises: created, updated (and
 * `deal.stage_entered` when its stage changed) or deleted. The record is the
 * deal as the REST API answers it (`DealRecord`).
 */
export function dealEvents(orgId: string, before: DealRecord | null, after: DealRecord | null, by: DealActor): DomainEvent[] {
  const actor = { userId: by.userId, origin: by.origin ?? undefined };
  const base = { orgId, entity: "deal" as const, actor };
  if (!after) return before ? [domainEvent({ ...base, type: "deal.deleted", entityId: before.id, record: before })] : [];
  if (!before) return [domainEvent({ ...base, type: "deal.created", entityId: after.id, record: after })];
  const events = [domainEvent({ ...base, type: "deal.updated", entityId: after.id, record: after, previous: before })];
  if (before.stageId !== after.stageId) {
    const context = { stageId: after.stageId, pipelineId: after.pipelineId, previousStageId: before.stageId };
    events.push(domainEvent({ ...base, type: "deal.stage_entered", entityId: after.id, record: after, context }));
  }
  return events;
}
