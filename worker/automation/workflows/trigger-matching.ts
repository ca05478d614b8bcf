import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { newId } from "../../platform/ids";
import { automationWorkflows, type AutomationWorkflow, type DomainEvent, type DomainEventType, type EventEntity, type WorkflowTrigger } from "../../../schema";
import { BatchMemo } from "../../platform/job-queue";
import { evaluateGroup, linksUsed } from "./conditions";
import { loadLinked } from "./record-reader";
import { loopGuardReason, startRun } from "./run-store";

/**
 * Which workflows an event starts: every enabled workflow of the
 * organization whose trigger names the event, and whose conditions hold for
 * the record as the event carries it (with the value before the change and
 * the linked records). Idempotent by event id: a run is unique per workflow
 * and event, so a redelivered event starts nothing twice.
 */

export function triggerMatches(trigger: WorkflowTrigger, event: DomainEvent): boolean {
  const context = event.context ?? {};
  switch (trigger.kind) {
    case "record_created":
      return event.type === `${trigger.entity}.created`;
    case "record_updated":
      return event.type === `${trigger.entity}.updated`;
    case "record_deleted":
      return event.type === `${trigger.entity}.deleted`;
    case "field_changed":
      return event.type === `${trigger.entity}.updated` && event.changed.includes(trigger.field);
    case "deal_stage_entered":
      return event.type === "deal.stage_entered" && (context.stageId ?? event.record.stageId) === trigger.stageId;
    case "ticket_sla_breached":
      return event.type === "ticket.sla_breached";
    case "call_missed":
      return event.type === "call.missed";
    case "invoice_paid":
      return event.type === "invoice.paid";
    case "segment_entered":
      return event.type === "segment.entered" && context.segmentId === trigger.segmentId;
    case "segment_left":
      return event.type === "segment.left" && context.segmentId === trigger.segmentId;
    case "schedule":
    case "manual":
      return false;
  }
}

/** Whether the workflow's conditions hold for the event's record. */
export async function conditionsHold(env: Env, workflow: Pick<AutomationWorkflow, "orgId" | "conditions">, event: Pick<DomainEvent, "entity" | "record" | "previous">) {
  if (!workflow.conditions) return true;
  const linked = await loadLinked(orgDb(env, workflow.orgId), workflow.orgId, event.entity, event.record, linksUsed(workflow.conditions));
  return evaluateGroup(workflow.conditions, { record: event.record, previous: event.previous, linked }).matches;
}

export async function startMatchingWorkflows(env: Env, event: DomainEvent, batch = new BatchMemo()): Promise<void> {
  const workflows = await batch.get(`enabled-workflows:${event.orgId}`, () =>
    orgDb(env, event.orgId)
      .select()
      .from(automationWorkflows)
      .where(and(eq(automationWorkflows.orgId, event.orgId), eq(automationWorkflows.enabled, true)))
      .all(),
  );
  for (const workflow of workflows) {
    // A workflow acts on what happens after its current version was saved (or switched on), never on a backlog from before.
    if (event.occurredAt < workflow.updatedAt) continue;
    if (!triggerMatches(workflow.trigger, event)) continue;
    // A guarded loop is recorded (as skipped) whatever the conditions say, so the run log shows why it stopped.
    if (!loopGuardReason(workflow.id, event) && !(await conditionsHold(env, workflow, event))) continue;
    await startRun(env, { workflow, event, entity: event.entity, recordId: event.entityId, startedBy: null });
  }
}

/**
 * The event of a run no domain event started. Schedules have no record;
 * manual runs name the record a member started it from. Their `type` is
 * outside the domain event names on purpose: nothing else listens to them.
 */
export function syntheticEvent(input: { orgId: string; kind: "schedule" | "manual"; entity: EventEntity | null; record: Record<string, unknown> | null; actorId: string | null; now: number }): DomainEvent {
  return {
    id: newId(),
    orgId: input.orgId,
    type: `workflow.${input.kind}` as DomainEventType,
    entity: input.entity as EventEntity,
    entityId: (input.record?.id as string | undefined) ?? "",
    actorId: input.actorId,
    record: input.record ?? {},
    previous: null,
    changed: [],
    origin: null,
    context: { [input.kind]: true, at: input.now },
    occurredAt: input.now,
  };
}
