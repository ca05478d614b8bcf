import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invalid } from "../../platform/errors";
import {
  memberships,
  segments,
  stages,
  supportTeams,
  webhookEndpoints,
  type ConditionGroup,
  type EventEntity,
  type WorkflowAction,
  type WorkflowTrigger,
} from "../../../schema";
import { fieldPathProblem, hasField } from "./entity-catalog";
import { flattenActions, MAX_ACTIONS, MAX_BRANCH_DEPTH, MAX_CONDITION_DEPTH } from "./workflow-definition";
import { cronProblem, isValidTimeZone } from "./schedule-times";

/**
 * The checks a definition needs the organization's data for, all run before
 * reporting, so the builder shows every problem at once as
 * `{ "actions.2.userId": ["..."] }`.
 */

export interface DefinitionToCheck {
  trigger: WorkflowTrigger;
  conditions: ConditionGroup | null;
  actions: WorkflowAction[];
  ownerId: string;
}

/** The record kind a trigger's runs are about; segments carry their own entity; schedules none. */
export async function triggerEntity(db: Db, orgId: string, trigger: WorkflowTrigger): Promise<EventEntity | null> {
  switch (trigger.kind) {
    case "record_created":
    case "record_updated":
    case "record_deleted":
    case "field_changed":
    case "manual":
      return trigger.entity;
    case "deal_stage_entered":
      return "deal";
    case "ticket_sla_breached":
      return "ticket";
    case "call_missed":
      return "call";
    case "invoice_paid":
      return "invoice";
    case "segment_entered":
    case "segment_left": {
      const segment = await db.select({ entity: segments.entity }).from(segments).where(and(eq(segments.orgId, orgId), eq(segments.id, trigger.segmentId))).get();
      return segment?.entity ?? null;
    }
    case "schedule":
      return null;
  }
}

type Problems = Record<string, string[]>;

function conditionProblems(group: ConditionGroup, entity: EventEntity | null, path: string, depth: number, out: Problems) {
  if (depth > MAX_CONDITION_DEPTH) {
    (out[path] ??= []).push(`Groups nest at most ${MAX_CONDITION_DEPTH} levels`);
    return;
  }
  group.conditions.forEach((condition, i) => {
    const at = `${path}.conditions.${i}`;
    if (condition.kind === "group") return conditionProblems(condition, entity, at, depth + 1, out);
    const problem = fieldPathProblem(entity, condition.field);
    if (problem) (out[`${at}.field`] ??= []).push(problem);
    const needsValue = !["is_empty", "is_not_empty", "changed"].includes(condition.operator);
    if (needsValue && condition.value === undefined) (out[`${at}.value`] ??= []).push(`"${condition.operator}" needs a value`);
    if (["in", "not_in"].includes(condition.operator) && !Array.isArray(condition.value)) (out[`${at}.value`] ??= []).push("Give a list of values");
  });
}

async function missingIds(db: Db, orgId: string, wanted: Set<string>, kind: "member" | "team" | "endpoint" | "stage"): Promise<Set<string>> {
  const ids = [...wanted];
  if (!ids.length) return new Set();
  const found =
    kind === "member"
      ? await db.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, ids))).all()
      : kind === "team"
        ? await db.select({ id: supportTeams.id }).from(supportTeams).where(and(eq(supportTeams.orgId, orgId), inArray(supportTeams.id, ids))).all()
        : kind === "endpoint"
          ? await db.select({ id: webhookEndpoints.id }).from(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, orgId), inArray(webhookEndpoints.id, ids))).all()
          : await db.select({ id: stages.id }).from(stages).where(and(eq(stages.orgId, orgId), inArray(stages.id, ids))).all();
  const present = new Set(found.map((r) => r.id));
  return new Set(ids.filter((id) => !present.has(id)));
}

/** Throws `validation_error` naming every condition that reads a field the entity does not have. */
export function checkConditions(entity: EventEntity, group: ConditionGroup, path = "conditions"): void {
  const out: Problems = {};
  conditionProblems(group, entity, path, 1, out);
  if (Object.keys(out).length) throw invalid(out, "The conditions have problems");
}

/** Throws `validation_error` with every problem of the definition, or returns the entity its runs are about. */
export async function checkDefinition(db: Db, orgId: string, def: DefinitionToCheck): Promise<EventEntity | null> {
  const out: Problems = {};
  const add = (path: string, message: string) => (out[path] ??= []).push(message);
  const { trigger } = def;
  const entity = await triggerEntity(db, orgId, trigger);

  const refs = { member: new Map<string, string[]>(), team: new Map<string, string[]>(), endpoint: new Map<string, string[]>(), stage: new Map<string, string[]>() };
  const ref = (kind: keyof typeof refs, id: string, path: string) => refs[kind].set(id, [...(refs[kind].get(id) ?? []), path]);

  ref("member", def.ownerId, "ownerId");
  if (trigger.kind === "field_changed" && !hasField(trigger.entity, trigger.field)) add("trigger.field", `No field "${trigger.field}" on ${trigger.entity}`);
  if (trigger.kind === "deal_stage_entered") ref("stage", trigger.stageId, "trigger.stageId");
  if ((trigger.kind === "segment_entered" || trigger.kind === "segment_left") && !entity) add("trigger.segmentId", "No such segment in this organization");
  if (trigger.kind === "schedule") {
    if (!isValidTimeZone(trigger.timeZone)) add("trigger.timeZone", `"${trigger.timeZone}" is not an IANA time zone`);
    else {
      const problem = cronProblem(trigger.cron, trigger.timeZone);
      if (problem) add("trigger.cron", problem);
    }
  }

  if (def.conditions) {
    if (trigger.kind === "schedule") add("conditions", "Schedules have no record to compare");
    else conditionProblems(def.conditions, entity, "conditions", 1, out);
  }

  const flat = flattenActions(def.actions);
  if (flat.length > MAX_ACTIONS) add("actions", `At most ${MAX_ACTIONS} actions, branches included`);
  const seen = new Map<string, string>();
  for (const { action, path, depth } of flat) {
    if (seen.has(action.id)) add(`${path}.id`, `The id "${action.id}" is also used at ${seen.get(action.id)}`);
    else seen.set(action.id, path);
    if (depth > MAX_BRANCH_DEPTH) add(path, `Branches nest at most ${MAX_BRANCH_DEPTH} levels`);
    const needsRecord = !["notify", "webhook", "wait", "branch", "send_email"].includes(action.type) || (action.type === "wait" && action.mode === "until_field");
    if (!entity && needsRecord) add(`${path}.type`, `"${action.type}" needs a record, and this trigger has none`);
    switch (action.type) {
      case "set_fields":
        if (!Object.keys(action.fields).length) add(`${path}.fields`, "Set at least one field");
        if (entity) for (const field of Object.keys(action.fields)) if (!hasField(entity, field)) add(`${path}.fields.${field}`, `No field "${field}" on ${entity}`);
        break;
      case "assign_owner":
        if (action.strategy === "fixed") ref("member", action.userId, `${path}.userId`);
        else action.userIds.forEach((id, i) => ref("member", id, `${path}.userIds.${i}`));
        break;
      case "create_task":
        if (action.assignTo.kind === "user") ref("member", action.assignTo.userId, `${path}.assignTo.userId`);
        break;
      case "notify":
        action.recipients.forEach((r, i) => {
          if (r.kind === "user") ref("member", r.userId, `${path}.recipients.${i}.userId`);
          if (r.kind === "team") ref("team", r.teamId, `${path}.recipients.${i}.teamId`);
          if (r.kind === "record_owner" && !entity) add(`${path}.recipients.${i}`, "This trigger has no record, so no record owner");
        });
        break;
      case "webhook":
        ref("endpoint", action.endpointId, `${path}.endpointId`);
        break;
      case "wait":
        if (action.mode === "until_field" && entity) {
          if (!hasField(entity, action.field)) add(`${path}.field`, `No field "${action.field}" on ${entity}`);
        }
        break;
      case "branch":
        if (trigger.kind === "schedule") add(`${path}.condition`, "Schedules have no record to compare");
        else conditionProblems(action.condition, entity, `${path}.condition`, 1, out);
        break;
      default:
        break;
    }
  }

  const what = { member: "No such member in this organization", team: "No such team in this organization", endpoint: "No such webhook endpoint in this organization", stage: "No such stage in this organization" };
  for (const kind of Object.keys(refs) as (keyof typeof refs)[]) {
    const missing = await missingIds(db, orgId, new Set(refs[kind].keys()), kind);
    for (const id of missing) for (const path of refs[kind].get(id)!) add(path, what[kind]);
  }
  if (Object.keys(out).length) throw invalid(out, "The workflow has problems");
  return entity;
}
