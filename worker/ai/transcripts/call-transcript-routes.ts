import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { forbidden } from "../../platform/errors";
import { createRouter, envelope, ErrorSchema, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { allows, refusalMessage } from "../../platform/permissions";
import { actorOf } from "../../platform/records";
import { AI_PROVIDERS, TRANSCRIPT_STATUSES } from "../../../schema";
import { SentimentRollupSchema, SentimentSchema } from "../../sentiment";
import { createTaskFromActionItem, getCallTranscript, retryCallTranscript, updateCallTranscript } from "./call-transcript-service";

const tags = ["AI"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, auth, actor: actorOf(auth, c.get("requestId")) };
}

const SegmentSchema = z
  .object({
    speaker: z.enum(["agent", "customer", "speaker"]).openapi({ description: "agent / customer on dual-channel recordings; speaker when the audio has one channel" }),
    start: z.number().openapi({ description: "Seconds from the recording's start" }),
    end: z.number(),
    text: z.string(),
    sentiment: SentimentSchema.optional().openapi({ description: "The customer's segments (and one-channel ones), judged once transcribed" }),
  })
  .openapi("TranscriptSegment");

const ActionItemSchema = z
  .object({ id: z.string(), text: z.string(), taskId: z.string().optional().openapi({ description: "The task made from it, once someone did" }) })
  .openapi("TranscriptActionItem");

const TranscriptSchema = z
  .object({
    callId: z.string(),
    status: z.enum(TRANSCRIPT_STATUSES).nullable().openapi({ description: "null: the call's recording was never transcribed" }),
    language: z.string().nullable(),
    segments: z.array(SegmentSchema).openapi({ description: "In time order" }),
    sentiment: SentimentRollupSchema.nullable().openapi({ description: "The customer's side of the call rolled up (recent segments weigh more); null until judged" }),
    summary: z.string().nullable().openapi({ description: "A draft the team may edit" }),
    actionItems: z.array(ActionItemSchema),
    provider: z.enum(AI_PROVIDERS).nullable(),
    model: z.string().nullable(),
    error: z.string().nullable().openapi({ description: "Why it failed or was skipped, and what to change; or why a done transcript has no summary" }),
    updatedAt: z.number().int().nullable(),
    retryable: z.boolean().openapi({ description: "Whether POST …/transcript/retry would start it again" }),
  })
  .openapi("CallTranscript");

const DraftInput = z
  .object({
    summary: z.string().trim().max(4000).nullable().optional(),
    actionItems: z
      .array(z.object({ id: z.string().min(1).max(64).optional(), text: z.string().trim().min(1).max(300) }).strict())
      .max(50)
      .optional()
      .openapi({ description: "The whole list in order; items keep their id (and task link), new ones have none" }),
  })
  .strict()
  .refine((b) => b.summary !== undefined || b.actionItems !== undefined, { message: "Send summary or actionItems" })
  .openapi("CallTranscriptDraftInput");

const TaskSchema = z
  .object({
    id: z.string(),
    type: z.literal("task"),
    subject: z.string(),
    body: z.string().nullable(),
    dealId: z.string().nullable(),
    contactId: z.string().nullable(),
    leadId: z.string().nullable(),
    ownerId: z.string().nullable(),
  })
  .openapi("TranscriptTask");

const ItemParams = IdParam.extend({ itemId: z.string().min(1).max(64).openapi({ param: { name: "itemId", in: "path" } }) });

const routes = {
  get: createRoute({
    method: "get", path: "/{id}/transcript", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "A call's transcript: status, speaker-labelled segments, summary and action items",
    description: "Members who may see the call (the call's own rule). `status: null` when the recording was never transcribed.",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(TranscriptSchema), "Transcript"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}/transcript", tags, security,
    middleware: [requirePermission("telephony:work")] as const,
    summary: "Edit the summary and action items (drafts)",
    description: "Only a done transcript has drafts (409 otherwise). Action items keep their ids and task links; audited.",
    request: { params: IdParam, ...jsonBody(DraftInput) },
    responses: { 200: jsonResponse(envelope(TranscriptSchema), "Transcript"), 409: jsonResponse(ErrorSchema, "No finished transcript, or it changed meanwhile"), ...standardErrors },
  }),
  task: createRoute({
    method: "post", path: "/{id}/transcript/action-items/{itemId}/task", tags, security,
    middleware: [requirePermission("telephony:work")] as const,
    summary: "Turn an action item into a task",
    description:
      "Creates a task you own, linked to the call's contact, deal and lead where you may see them, through the activity service (audited). " +
      "Once per item: the second time answers 409 with the task's id in `details.taskId`.",
    request: { params: ItemParams },
    responses: {
      201: jsonResponse(envelope(z.object({ item: ActionItemSchema, task: TaskSchema })), "The task, and the item linked to it"),
      409: jsonResponse(ErrorSchema, "Already a task, or no finished transcript"),
      ...standardErrors,
    },
  }),
  retry: createRoute({
    method: "post", path: "/{id}/transcript/retry", tags, security,
    middleware: [requirePermission("telephony:work")] as const,
    summary: "Transcribe again a failed or skipped transcript (or a recording never transcribed)",
    description: "Puts it back to pending and queues the job. 409 when it is done or being written; 404 when the call has no recording.",
    request: { params: IdParam },
    responses: { 202: jsonResponse(envelope(TranscriptSchema), "Queued"), 409: jsonResponse(ErrorSchema, "Done or in progress"), ...standardErrors },
  }),
};

export const callTranscriptRoutes = createRouter()
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await getCallTranscript(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await updateCallTranscript(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.task, async (c) => {
    const { db, orgId, auth, actor } = scope(c);
    // The task is a CRM record: the role must also be allowed to write those.
    if (!allows(auth, "records:write")) throw forbidden(refusalMessage(auth, "records:write"));
    const { id, itemId } = c.req.valid("param");
    return ok(c, await createTaskFromActionItem(c.env, db, orgId, actor, id, itemId), { status: 201 });
  })
  .openapi(routes.retry, async (c) => {
    const { db, orgId, actor } = scope(c);
    return ok(c, await retryCallTranscript(c.env, db, orgId, actor, c.req.valid("param").id), { status: 202 });
  });
