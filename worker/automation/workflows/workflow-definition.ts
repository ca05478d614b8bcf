import { z } from "@hono/zod-openapi";
import {
  CONDITION_OPERATORS,
  EVENT_ENTITIES,
  type ConditionGroup,
  type FieldCondition,
  type WorkflowAction,
  type WorkflowTrigger,
} from "../../../schema";

/**
 * The shape of a workflow definition, as zod, held to the types in
 * schema/workflows.ts (the `satisfies` checks below fail the build when they
 * drift). What needs the organization's data (stages, members, fields) is
 * checked afterwards by definition-checks.ts.
 */

export const MAX_ACTIONS = 50;
export const MAX_CONDITION_DEPTH = 5;
export const MAX_BRANCH_DEPTH = 5;

const Id = z.string().trim().min(1).max(64);
const Entity = z.enum(EVENT_ENTITIES);
const Text = (max: number) => z.string().trim().min(1).max(max);

export const TriggerSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.enum(["record_created", "record_updated", "record_deleted"]), entity: Entity }).strict(),
    z.object({ kind: z.literal("field_changed"), entity: Entity, field: Text(64) }).strict(),
    z.object({ kind: z.literal("deal_stage_entered"), stageId: Id }).strict(),
    z.object({ kind: z.literal("ticket_sla_breached") }).strict(),
    z.object({ kind: z.literal("call_missed") }).strict(),
    z.object({ kind: z.literal("invoice_paid") }).strict(),
    z.object({ kind: z.enum(["segment_entered", "segment_left"]), segmentId: Id }).strict(),
    z.object({ kind: z.literal("schedule"), cron: Text(100), timeZone: Text(64) }).strict(),
    z.object({ kind: z.literal("manual"), entity: Entity }).strict(),
  ])
  .openapi("WorkflowTrigger") satisfies z.ZodType<WorkflowTrigger>;

export const FieldConditionSchema = z
  .object({
    kind: z.literal("field"),
    field: Text(128),
    operator: z.enum(CONDITION_OPERATORS),
    value: z.unknown().optional(),
  })
  .strict() satisfies z.ZodType<FieldCondition>;

/** Nested groups, ≤ MAX_CONDITION_DEPTH levels (checked by depth in definition-checks.ts, since zod recursion has no depth). */
export const ConditionGroupSchema: z.ZodType<ConditionGroup> = z
  .lazy(() =>
    z
      .object({
        kind: z.literal("group"),
        match: z.enum(["all", "any"]),
        conditions: z.array(z.union([FieldConditionSchema, ConditionGroupSchema])).max(50),
      })
      .strict(),
  )
  // A named component, so the OpenAPI document refers to it instead of expanding the recursion.
  .openapi("ConditionGroup");

const Recipient = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("user"), userId: Id }).strict(),
  z.object({ kind: z.literal("role"), role: z.enum(["owner", "admin", "manager", "agent", "viewer"]) }).strict(),
  z.object({ kind: z.literal("team"), teamId: Id }).strict(),
  z.object({ kind: z.literal("record_owner") }).strict(),
]);

const Tags = z.array(z.string().trim().min(1).max(50)).min(1).max(20);

const actionBodies = [
  z.object({ type: z.literal("set_fields"), fields: z.record(z.string().min(1).max(64), z.unknown()) }),
  z.object({ type: z.literal("add_tags"), tags: Tags }),
  z.object({ type: z.literal("remove_tags"), tags: Tags }),
  z.object({
    type: z.literal("create_task"),
    title: Text(200),
    body: z.string().max(5000).optional(),
    dueInDays: z.number().int().min(0).max(365).optional(),
    assignTo: z.discriminatedUnion("kind", [z.object({ kind: z.literal("record_owner") }).strict(), z.object({ kind: z.literal("user"), userId: Id }).strict()]),
  }),
  z.object({ type: z.literal("create_note"), body: Text(10_000) }),
  z.object({
    type: z.literal("send_email"),
    to: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("record_contact") }).strict(),
      z.object({ kind: z.literal("record_owner") }).strict(),
      z.object({ kind: z.literal("address"), address: z.string().trim().email().max(254) }).strict(),
    ]),
    subject: Text(200),
    body: Text(20_000),
  }),
  z.object({ type: z.literal("notify"), recipients: z.array(Recipient).min(1).max(20), title: Text(200), body: z.string().max(2000).optional() }),
  z.object({ type: z.literal("webhook"), endpointId: Id }),
  z.object({ type: z.literal("ai_score") }),
  z.object({ type: z.literal("ai_summarize") }),
  z.object({ type: z.literal("ai_draft"), instruction: z.string().max(2000).optional() }),
] as const;

/** One action; `assign_owner` and `wait` have two variants each, and `branch` nests actions. */
export const ActionSchema = z.lazy(() =>
  z.union([
    ...actionBodies.map((body) => body.extend({ id: Id }).strict()),
    z.object({ id: Id, type: z.literal("assign_owner"), strategy: z.literal("fixed"), userId: Id }).strict(),
    z.object({ id: Id, type: z.literal("assign_owner"), strategy: z.enum(["round_robin", "least_loaded"]), userIds: z.array(Id).min(1).max(50) }).strict(),
    z.object({ id: Id, type: z.literal("wait"), mode: z.literal("delay"), minutes: z.number().int().min(1).max(60 * 24 * 365) }).strict(),
    z.object({ id: Id, type: z.literal("wait"), mode: z.literal("until_field"), field: Text(64), offsetMinutes: z.number().int().min(-525_600).max(525_600).optional() }).strict(),
    z.object({ id: Id, type: z.literal("branch"), condition: ConditionGroupSchema, then: z.array(ActionSchema).max(MAX_ACTIONS), else: z.array(ActionSchema).max(MAX_ACTIONS) }).strict(),
  ] as unknown as [z.ZodTypeAny, z.ZodTypeAny, ...z.ZodTypeAny[]]),
).openapi("WorkflowAction") as unknown as z.ZodType<WorkflowAction>;

export const WorkflowDefinitionSchema = z.object({
  trigger: TriggerSchema,
  conditions: ConditionGroupSchema.nullable().optional(),
  actions: z.array(ActionSchema).min(1, "A workflow needs at least one action").max(MAX_ACTIONS),
});

export const WorkflowCreateBody = WorkflowDefinitionSchema.extend({
  name: Text(120),
  description: z.string().trim().max(2000).nullable().optional(),
  enabled: z.boolean().optional(),
  ownerId: Id.optional().openapi({ description: "The member whose permissions the actions use; the creator by default" }),
})
  .strict()
  .openapi("WorkflowCreate");

export const WorkflowUpdateBody = WorkflowCreateBody.partial().strict().openapi("WorkflowUpdate");

export type WorkflowCreateInput = z.infer<typeof WorkflowCreateBody>;
export type WorkflowUpdateInput = z.infer<typeof WorkflowUpdateBody>;

/** Every action in order, branches' actions after the branch, with the path to each for error details. */
export function flattenActions(actions: WorkflowAction[], path = "actions"): { action: WorkflowAction; path: string; depth: number }[] {
  const out: { action: WorkflowAction; path: string; depth: number }[] = [];
  const walk = (list: WorkflowAction[], at: string, depth: number) =>
    list.forEach((action, i) => {
      out.push({ action, path: `${at}.${i}`, depth });
      if (action.type === "branch") {
        walk(action.then, `${at}.${i}.then`, depth + 1);
        walk(action.else, `${at}.${i}.else`, depth + 1);
      }
    });
  walk(actions, path, 1);
  return out;
}
