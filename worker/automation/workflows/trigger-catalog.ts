import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import {
  CONDITION_OPERATORS,
  DOMAIN_EVENT_TYPES,
  EVENT_ENTITIES,
  pipelines,
  segments,
  stages,
  supportTeams,
  webhookEndpoints,
  type WorkflowActionType,
  type WorkflowTriggerKind,
} from "../../../schema";
import { ENTITY_SPECS, entityFields, MEMBER_FIELDS } from "./entity-catalog";

/**
 * Everything the builder needs to offer choices instead of JSON: trigger
 * kinds, record kinds with their fields (types, enum options) and linked
 * records, the organization's stages, segments, teams and webhook
 * endpoints, condition operators, action types and the event names.
 * Endpoints show only their description and host: whoever builds
 * workflows may pick one without seeing the URL, whose path can be a
 * credential (Zapier's are), or managing webhooks.
 */

type TriggerParam = "entity" | "field" | "stageId" | "segmentId" | "cron" | "timeZone";

const TRIGGERS: { kind: WorkflowTriggerKind; label: string; params: TriggerParam[]; event: string }[] = [
  { kind: "record_created", label: "Record created", params: ["entity"], event: "<entity>.created" },
  { kind: "record_updated", label: "Record updated", params: ["entity"], event: "<entity>.updated" },
  { kind: "record_deleted", label: "Record deleted", params: ["entity"], event: "<entity>.deleted" },
  { kind: "field_changed", label: "A field changed", params: ["entity", "field"], event: "<entity>.updated" },
  { kind: "deal_stage_entered", label: "Deal entered a stage", params: ["stageId"], event: "deal.stage_entered" },
  { kind: "ticket_sla_breached", label: "Ticket SLA breached", params: [], event: "ticket.sla_breached" },
  { kind: "call_missed", label: "Missed call", params: [], event: "call.missed" },
  { kind: "invoice_paid", label: "Invoice paid", params: [], event: "invoice.paid" },
  { kind: "segment_entered", label: "Entered a segment", params: ["segmentId"], event: "segment.entered" },
  { kind: "segment_left", label: "Left a segment", params: ["segmentId"], event: "segment.left" },
  { kind: "schedule", label: "On a schedule", params: ["cron", "timeZone"], event: "schedule" },
  { kind: "manual", label: "Started by hand from a record", params: ["entity"], event: "manual" },
];

const ACTIONS: { type: WorkflowActionType; label: string; needsRecord: boolean }[] = [
  { type: "set_fields", label: "Set fields", needsRecord: true },
  { type: "assign_owner", label: "Assign an owner", needsRecord: true },
  { type: "add_tags", label: "Add tags", needsRecord: true },
  { type: "remove_tags", label: "Remove tags", needsRecord: true },
  { type: "create_task", label: "Create a task", needsRecord: true },
  { type: "create_note", label: "Create a note", needsRecord: true },
  { type: "send_email", label: "Send an email", needsRecord: false },
  { type: "notify", label: "Notify people", needsRecord: false },
  { type: "webhook", label: "Call a webhook", needsRecord: false },
  { type: "wait", label: "Wait", needsRecord: false },
  { type: "branch", label: "If / else", needsRecord: false },
  { type: "ai_score", label: "AI: score", needsRecord: true },
  { type: "ai_summarize", label: "AI: summarize", needsRecord: true },
  { type: "ai_draft", label: "AI: draft a reply", needsRecord: true },
];

const OPERATOR_LABELS: Record<(typeof CONDITION_OPERATORS)[number], string> = {
  eq: "is", neq: "is not", gt: "is greater than", gte: "is at least", lt: "is less than", lte: "is at most",
  contains: "contains", not_contains: "does not contain", in: "is one of", not_in: "is none of",
  is_empty: "is empty", is_not_empty: "is not empty", changed: "changed",
};

export async function triggerCatalog(db: Db, orgId: string) {
  const [pipelineRows, stageRows, segmentRows, teamRows, endpointRows] = await Promise.all([
    db.select({ id: pipelines.id, name: pipelines.name }).from(pipelines).where(eq(pipelines.orgId, orgId)).orderBy(asc(pipelines.position), asc(pipelines.name)).all(),
    db.select({ id: stages.id, name: stages.name, pipelineId: stages.pipelineId }).from(stages).where(eq(stages.orgId, orgId)).orderBy(asc(stages.position)).all(),
    db.select({ id: segments.id, name: segments.name, entity: segments.entity }).from(segments).where(and(eq(segments.orgId, orgId))).orderBy(asc(segments.name)).all(),
    db.select({ id: supportTeams.id, name: supportTeams.name }).from(supportTeams).where(eq(supportTeams.orgId, orgId)).orderBy(asc(supportTeams.name)).all(),
    db
      .select({ id: webhookEndpoints.id, url: webhookEndpoints.url, description: webhookEndpoints.description, enabled: webhookEndpoints.enabled })
      .from(webhookEndpoints)
      .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.source, "endpoint")))
      .orderBy(asc(webhookEndpoints.createdAt))
      .all(),
  ]);
  return {
    triggers: TRIGGERS,
    entities: EVENT_ENTITIES.map((entity) => ({
      entity,
      label: ENTITY_SPECS[entity].label,
      fields: entityFields(entity),
      links: ENTITY_SPECS[entity].links.map((link) => ({
        name: link.name,
        via: link.via,
        entity: link.entity,
        fields: link.entity === "member" ? MEMBER_FIELDS : entityFields(link.entity),
      })),
    })),
    pipelines: pipelineRows.map((p) => ({ ...p, stages: stageRows.filter((s) => s.pipelineId === p.id).map(({ id, name }) => ({ id, name })) })),
    segments: segmentRows,
    teams: teamRows,
    endpoints: endpointRows.map(({ url, ...endpoint }) => ({ ...endpoint, host: new URL(url).host })),
    operators: CONDITION_OPERATORS.map((operator) => ({ operator, label: OPERATOR_LABELS[operator] })),
    actions: ACTIONS,
    events: [...DOMAIN_EVENT_TYPES],
  };
}
