import { z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { forbidden, invalid } from "../../platform/errors";
import { jsonResponse } from "../../platform/http";
import { allows } from "../../platform/permissions";
import { TICKET_CHANNELS, TICKET_PRIORITIES, TICKET_STATUSES } from "../../../schema";
import { SLA_STATES } from "../../../schema";
import { SentimentRollupSchema, SentimentSchema } from "../../sentiment";

/** Schemas and helpers the support routes share. */

export const SECURITY = [{ bearerAuth: [] }];

export function supportScope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, userId: auth.userId, auth, actor: { userId: auth.userId, requestId: c.get("requestId"), origin: auth.origin } };
}

/** A past instant for importing history from another help desk (owners and admins only). */
export const HistoryTime = z
  .number()
  .int()
  .min(0)
  .openapi({ description: "History import (owners and admins): when this happened, epoch ms; never in the future" });

const CLOCK_SKEW_MS = 60_000;

/**
 * Backdated writes keep analytics and SLAs honest only in trusted hands:
 * owners and admins, into the past, never before the ticket existed.
 */
export function checkHistoryTime(c: Context<AppEnv>, field: string, at: number | undefined, notBefore = 0) {
  if (at === undefined) return;
  if (!allows(c.get("auth"), "settings:manage")) throw forbidden(`Only owners and admins may set \`${field}\` (history import)`);
  if (at > Date.now() + CLOCK_SKEW_MS) throw invalid({ [field]: ["Must not be in the future"] });
  if (at < notBefore) throw invalid({ [field]: ["Must not be before the ticket was created"] });
}

export const SlaSchema = z
  .object({
    state: z.enum(SLA_STATES),
    policyId: z.string().nullable(),
    firstResponseDueAt: z.number().int().nullable(),
    resolutionDueAt: z.number().int().nullable(),
    nextDueAt: z.number().int().nullable(),
    paused: z.boolean().openapi({ description: "Pending / on hold: the resolution clock is stopped" }),
    remainingMs: z.number().int().nullable().openapi({ description: "Until nextDueAt (negative once past), for a live countdown" }),
    firstResponseBreachedAt: z.number().int().nullable(),
    resolutionBreachedAt: z.number().int().nullable(),
  })
  .openapi("TicketSla");

export const TicketSchema = z
  .object({
    id: z.string(),
    number: z.number().int(),
    subject: z.string(),
    description: z.string(),
    status: z.enum(TICKET_STATUSES),
    priority: z.enum(TICKET_PRIORITIES),
    channel: z.enum(TICKET_CHANNELS),
    contactId: z.string().nullable(),
    requesterEmail: z.string().nullable(),
    requesterName: z.string().nullable(),
    assigneeId: z.string().nullable(),
    teamId: z.string().nullable(),
    tags: z.array(z.string()),
    dueAt: z.number().int().nullable(),
    slaPolicyId: z.string().nullable(),
    firstResponseDueAt: z.number().int().nullable(),
    resolutionDueAt: z.number().int().nullable(),
    slaDueAt: z.number().int().nullable(),
    firstRespondedAt: z.number().int().nullable(),
    solvedAt: z.number().int().nullable(),
    closedAt: z.number().int().nullable(),
    firstResponseBreachedAt: z.number().int().nullable(),
    resolutionBreachedAt: z.number().int().nullable(),
    slaPausedAt: z.number().int().nullable(),
    mergedIntoId: z.string().nullable(),
    threadToken: z.string(),
    emailMessageIds: z.array(z.string()),
    sourceMessageId: z.string().nullable().openapi({ description: "The Message-ID of the mail that opened the ticket" }),
    createdBy: z.string().nullable(),
    updatedBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    sla: SlaSchema,
    sentiment: SentimentRollupSchema.nullable().openapi({ description: "The customer's side of the conversation rolled up (recent messages weigh more), with its trend; null until a customer message is judged" }),
  })
  .openapi("Ticket");

export const AttachmentSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    commentId: z.string().nullable(),
    filename: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    uploadedBy: z.string().nullable(),
    createdAt: z.number().int(),
    url: z.string(),
  })
  .openapi("TicketAttachment");

export const CommentSchema = z
  .object({
    id: z.string(),
    ticketId: z.string(),
    kind: z.enum(["public", "internal"]),
    authorType: z.enum(["user", "contact", "email"]),
    authorId: z.string().nullable(),
    authorEmail: z.string().nullable(),
    authorName: z.string().nullable(),
    body: z.string(),
    bodyHtml: z.string().nullable(),
    emailMessageId: z.string().nullable(),
    deliveryStatus: z
      .enum(["queued", "sent", "failed", "not_configured"])
      .nullable()
      .openapi({ description: "Mail delivery of a public reply on an email ticket; null when it is not mailed" }),
    deliveryError: z.string().nullable(),
    deliveryAttempts: z.number().int(),
    deliveredAt: z.number().int().nullable(),
    sentiment: SentimentSchema.nullable().openapi({ description: "Customer messages only, with the model that judged; null for agents' comments and until a remote model has judged" }),
    createdAt: z.number().int(),
    attachments: z.array(AttachmentSchema).optional(),
  })
  .openapi("TicketComment");

export const TicketDetailSchema = TicketSchema.extend({
  comments: z.array(CommentSchema),
  attachments: z.array(AttachmentSchema),
}).openapi("TicketDetail");

/** "a,b" or repeated values, each one of `values`. */
export const multiEnum = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .max(200)
    .transform((v) => v.split(",").map((s) => s.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)))
    .optional()
    .openapi({ type: "string", example: values.slice(0, 2).join(",") });

export const okResponse = (schema: z.ZodTypeAny, description: string) => jsonResponse(schema, description);
