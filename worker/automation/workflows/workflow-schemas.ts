import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { EVENT_ENTITIES, WORKFLOW_RUN_STATUSES, WORKFLOW_STEP_STATUSES } from "../../../schema";
import { ActionSchema, ConditionGroupSchema, TriggerSchema } from "./workflow-definition";

/** The answers of the workflow, run, trigger and rule routes, for the OpenAPI document and the typed client. */

export const SECURITY = [{ bearerAuth: [] }];
export const tags = ["Automation"];

/** The tenant database, organization and acting member every handler starts from. */
export function automationScope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, editor: { ...auth, requestId: c.get("requestId") } };
}

const RunSummary = z.object({ id: z.string(), status: z.enum(WORKFLOW_RUN_STATUSES), createdAt: z.number() });

export const WorkflowSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    description: z.string().nullable(),
    enabled: z.boolean(),
    ownerId: z.string(),
    trigger: TriggerSchema,
    conditions: ConditionGroupSchema.nullable(),
    actions: z.array(ActionSchema),
    version: z.number().int(),
    nextRunAt: z.number().nullable().openapi({ description: "Schedules: the next firing (epoch ms)" }),
    createdBy: z.string(),
    createdAt: z.number(),
    updatedAt: z.number(),
    lastRun: RunSummary.nullable(),
    runCounts: z.record(z.string(), z.number()).openapi({ description: "Runs by status" }),
  })
  .openapi("Workflow");

export const RunStepSchema = z
  .object({
    stepKey: z.string(),
    actionType: z.string(),
    position: z.number().int(),
    status: z.enum(WORKFLOW_STEP_STATUSES),
    input: z.unknown(),
    output: z.unknown(),
    error: z.string().nullable(),
    attempts: z.number().int(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi("WorkflowRunStep");

export const RunSchema = z
  .object({
    id: z.string(),
    workflowId: z.string(),
    workflowName: z.string().nullable(),
    workflowVersion: z.number().int(),
    status: z.enum(WORKFLOW_RUN_STATUSES),
    reason: z.string().nullable(),
    eventId: z.string(),
    eventType: z.string(),
    entity: z.enum(EVENT_ENTITIES).nullable(),
    recordId: z.string().nullable(),
    attempt: z.number().int(),
    startedBy: z.string().nullable(),
    createdAt: z.number(),
    startedAt: z.number().nullable(),
    finishedAt: z.number().nullable(),
  })
  .openapi("WorkflowRun");

export const RunDetailSchema = RunSchema.extend({
  definition: z.object({ trigger: TriggerSchema, conditions: ConditionGroupSchema.nullable(), actions: z.array(ActionSchema) }),
  steps: z.array(RunStepSchema).openapi({ description: "In execution order" }),
}).openapi("WorkflowRunDetail");

const Field = z.object({ name: z.string(), type: z.enum(["string", "number", "boolean", "datetime", "date", "tags", "enum", "id", "json"]), options: z.array(z.string()).optional() });

export const TriggerCatalogSchema = z
  .object({
    triggers: z.array(z.object({ kind: z.string(), label: z.string(), params: z.array(z.string()), event: z.string() })),
    entities: z.array(
      z.object({
        entity: z.enum(EVENT_ENTITIES),
        label: z.string(),
        fields: z.array(Field),
        links: z.array(z.object({ name: z.string(), via: z.string(), entity: z.string(), fields: z.array(Field) })),
      }),
    ),
    pipelines: z.array(z.object({ id: z.string(), name: z.string(), stages: z.array(z.object({ id: z.string(), name: z.string() })) })),
    segments: z.array(z.object({ id: z.string(), name: z.string(), entity: z.string() })),
    teams: z.array(z.object({ id: z.string(), name: z.string() })),
    endpoints: z
      .array(z.object({ id: z.string(), description: z.string().nullable(), host: z.string(), enabled: z.boolean() }))
      .openapi({ description: "Outbound webhook endpoints the webhook action may call: description and host only, never the URL" }),
    operators: z.array(z.object({ operator: z.string(), label: z.string() })),
    actions: z.array(z.object({ type: z.string(), label: z.string(), needsRecord: z.boolean() })),
    events: z.array(z.string()),
  })
  .openapi("WorkflowTriggerCatalog");

export const RuleEvaluationSchema = z
  .object({
    matches: z.boolean(),
    results: z.array(z.object({ path: z.string(), field: z.string().optional(), operator: z.string().optional(), actual: z.unknown(), matches: z.boolean() })),
  })
  .openapi("RuleEvaluation");
