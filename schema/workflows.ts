import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { DomainEvent, EventEntity, EventOrigin } from "./domain-events";

/**
 * Workflows (worker/automation/workflows): a trigger, conditions and ordered
 * actions, run durably on Cloudflare Workflows with every step in a run log.
 * The definition types below are the API's and the builder's contract.
 */

export type WorkflowTrigger =
  | { kind: "record_created" | "record_updated" | "record_deleted"; entity: EventEntity }
  /** Fires when `field` changed; the workflow's conditions may compare `previous.<field>` and `<field>`. */
  | { kind: "field_changed"; entity: EventEntity; field: string }
  | { kind: "deal_stage_entered"; stageId: string }
  | { kind: "ticket_sla_breached" }
  | { kind: "call_missed" }
  | { kind: "invoice_paid" }
  | { kind: "segment_entered" | "segment_left"; segmentId: string }
  /** A five-field cron expression read in `timeZone` (IANA). */
  | { kind: "schedule"; cron: string; timeZone: string }
  /** Started by a member from a record's page. */
  | { kind: "manual"; entity: EventEntity };

export type WorkflowTriggerKind = WorkflowTrigger["kind"];

export const CONDITION_OPERATORS = [
  "eq", "neq", "gt", "gte", "lt", "lte", "contains", "not_contains", "in", "not_in", "is_empty", "is_not_empty",
  /** The field's value differs from the previous one (updates only). */
  "changed",
] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/**
 * `field` is a path: `amount`, `tags`, `previous.stageId` (the value before the
 * change), or a linked record's field such as `company.industry`, `contact.email`,
 * `owner.email`.
 */
export interface FieldCondition {
  kind: "field";
  field: string;
  operator: ConditionOperator;
  value?: unknown;
}

export interface ConditionGroup {
  kind: "group";
  match: "all" | "any";
  conditions: (FieldCondition | ConditionGroup)[];
}

/** Who a notification goes to. */
export type NotifyRecipient =
  | { kind: "user"; userId: string }
  | { kind: "role"; role: "owner" | "admin" | "manager" | "agent" | "viewer" }
  | { kind: "team"; teamId: string }
  | { kind: "record_owner" };

/** Texts may hold `{{field}}` placeholders (`{{title}}`, `{{company.name}}`, `{{owner.name}}`), filled from the record. */
export type WorkflowActionBody =
  | { type: "set_fields"; fields: Record<string, unknown> }
  | { type: "assign_owner"; strategy: "fixed"; userId: string }
  | { type: "assign_owner"; strategy: "round_robin" | "least_loaded"; userIds: string[] }
  | { type: "add_tags" | "remove_tags"; tags: string[] }
  | { type: "create_task"; title: string; body?: string; dueInDays?: number; assignTo: { kind: "record_owner" } | { kind: "user"; userId: string } }
  | { type: "create_note"; body: string }
  | { type: "send_email"; to: { kind: "record_contact" } | { kind: "record_owner" } | { kind: "address"; address: string }; subject: string; body: string }
  | { type: "notify"; recipients: NotifyRecipient[]; title: string; body?: string }
  | { type: "webhook"; endpointId: string }
  | { type: "wait"; mode: "delay"; minutes: number }
  | { type: "wait"; mode: "until_field"; field: string; offsetMinutes?: number }
  | { type: "branch"; condition: ConditionGroup; then: WorkflowAction[]; else: WorkflowAction[] }
  | { type: "ai_score" }
  | { type: "ai_summarize" }
  | { type: "ai_draft"; instruction?: string };

/** `id` is the builder's stable step key (unique within the workflow), so a run log survives edits. */
export type WorkflowAction = { id: string } & WorkflowActionBody;
export type WorkflowActionType = WorkflowActionBody["type"];

export const automationWorkflows = sqliteTable(
  "automation_workflows",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(false),
    /** Actions run with this member's permissions; a workflow whose owner left stops. */
    ownerId: text("owner_id").notNull(),
    trigger: text("trigger", { mode: "json" }).$type<WorkflowTrigger>().notNull(),
    conditions: text("conditions", { mode: "json" }).$type<ConditionGroup | null>(),
    actions: text("actions", { mode: "json" }).$type<WorkflowAction[]>().notNull(),
    /** Bumped on every edit; a run keeps the version it started with. */
    version: integer("version").notNull().default(1),
    /** Schedules: the next time the cron fires (epoch ms). */
    nextRunAt: integer("next_run_at"),
    /** Failure alerts are throttled: at most one per workflow per window. */
    lastFailureAlertAt: integer("last_failure_alert_at"),
    createdBy: text("created_by").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("automation_workflows_org_idx").on(t.orgId, t.enabled), index("automation_workflows_schedule_idx").on(t.nextRunAt)],
);

export const WORKFLOW_RUN_STATUSES = ["queued", "running", "waiting", "succeeded", "failed", "skipped"] as const;
export type WorkflowRunStatus = (typeof WORKFLOW_RUN_STATUSES)[number];

export const automationRuns = sqliteTable(
  "automation_runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    workflowId: text("workflow_id").notNull(),
    workflowVersion: integer("workflow_version").notNull(),
    /** The definition the run executes, frozen at start so edits never change a run in flight. */
    definition: text("definition", { mode: "json" }).$type<{ trigger: WorkflowTrigger; conditions: ConditionGroup | null; actions: WorkflowAction[] }>().notNull(),
    status: text("status", { enum: WORKFLOW_RUN_STATUSES }).notNull(),
    /** Why a run was skipped or failed, in words. */
    reason: text("reason"),
    /** The event that started the run (schedules and manual runs make one too). */
    eventId: text("event_id").notNull(),
    event: text("event", { mode: "json" }).$type<DomainEvent>().notNull(),
    entity: text("entity"),
    recordId: text("record_id"),
    origin: text("origin", { mode: "json" }).$type<EventOrigin | null>(),
    /** The Cloudflare Workflows instance id of the current attempt (a retry starts a new one). */
    instanceId: text("instance_id"),
    attempt: integer("attempt").notNull().default(1),
    startedBy: text("started_by"),
    createdAt: integer("created_at").notNull(),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [
    // A redelivered event never starts a workflow twice.
    uniqueIndex("automation_runs_event_idx").on(t.workflowId, t.eventId),
    index("automation_runs_org_idx").on(t.orgId, t.workflowId, t.createdAt),
    index("automation_runs_record_idx").on(t.orgId, t.recordId),
  ],
);

export const WORKFLOW_STEP_STATUSES = ["running", "succeeded", "failed", "skipped", "waiting"] as const;
export type WorkflowStepStatus = (typeof WORKFLOW_STEP_STATUSES)[number];

/**
 * One step of a run. A step that succeeded is never executed again: a retry
 * from the failed step reads its output from here.
 */
export const automationRunSteps = sqliteTable(
  "automation_run_steps",
  {
    runId: text("run_id").notNull(),
    /** The action's id, or `<branchId>.then|else` for branch decisions. */
    stepKey: text("step_key").notNull(),
    orgId: text("org_id").notNull(),
    actionType: text("action_type").notNull(),
    position: integer("position").notNull(),
    status: text("status", { enum: WORKFLOW_STEP_STATUSES }).notNull(),
    input: text("input", { mode: "json" }).$type<unknown>(),
    output: text("output", { mode: "json" }).$type<unknown>(),
    error: text("error"),
    attempts: integer("attempts").notNull().default(0),
    startedAt: integer("started_at"),
    finishedAt: integer("finished_at"),
  },
  (t) => [primaryKey({ columns: [t.runId, t.stepKey] }), index("automation_run_steps_org_idx").on(t.orgId, t.runId, t.position)],
);

/** Round-robin assignment remembers the last member it picked per workflow step. */
export const automationAssignmentCursors = sqliteTable(
  "automation_assignment_cursors",
  {
    orgId: text("org_id").notNull(),
    workflowId: text("workflow_id").notNull(),
    stepKey: text("step_key").notNull(),
    lastUserId: text("last_user_id"),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.workflowId, t.stepKey] })],
);

export type AutomationWorkflow = typeof automationWorkflows.$inferSelect;
export type AutomationRun = typeof automationRuns.$inferSelect;
export type AutomationRunStep = typeof automationRunSteps.$inferSelect;

/** The parameters of one Cloudflare Workflows instance (the `AUTOMATION_RUNS` binding): the run it executes. */
export interface WorkflowRunParams {
  orgId: string;
  runId: string;
}
