import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { conflict, forbidden } from "../../platform/errors";
import { createRouter, IdParam, jsonResponse, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { allows, refusalMessage } from "../../platform/permissions";
import { rateLimitedResponse } from "../../platform/abuse-limits";
import { requireVisibleTicket } from "../../support";
import type { DraftStreamEvents } from "../../../schema/ai-api";
import { aiEventStream } from "../ai-event-stream";
import { requireChat, resolveAi } from "../providers/ai-config";
import { admitAiRequest } from "../usage/ai-usage";
import { startTicketReplyDraft } from "./ticket-reply-draft";

const tags = ["AI"];
const security = [{ bearerAuth: [] }];

const DraftInput = z
  .object({
    instructions: z
      .string()
      .trim()
      .max(500)
      .optional()
      .openapi({ description: "What the agent wants of this draft, e.g. \"shorter\" or \"in Spanish\"", example: "shorter" }),
  })
  .strict()
  .openapi("TicketReplyDraftInput");

const routes = {
  draft: createRoute({
    method: "post",
    path: "/tickets/{id}/reply-draft",
    tags,
    security,
    middleware: [requirePermission("tickets:write")] as const,
    summary: "Draft a reply to a ticket, streamed, from its conversation and the best-matching published articles",
    description:
      "For members who may reply on the ticket and see it (an agent restricted to their own records gets 404 for others' tickets). " +
      "Answers `text/event-stream`: `delta {text}` as the draft is written, then `done {draft, citations}` (the articles it cites, " +
      "linked in the text to the public help center), or `error {code, message}` if the model fails midway. Nothing is saved on the ticket: " +
      "the agent edits the draft and sends it as a normal reply. Metered as `ticket_draft`.",
    request: {
      params: IdParam,
      body: { content: { "application/json": { schema: DraftInput } }, required: false },
    },
    responses: {
      200: {
        description: "The draft as server-sent events (`delta`, `done`, `error`)",
        content: { "text/event-stream": { schema: z.string().openapi({ example: 'event: delta\ndata: {"text":"Hi Pat, "}\n\n' }) } },
      },
      409: jsonResponse(z.any(), "AI is not set up (`not_configured`, with what to set), or the ticket is closed (`conflict`)"),
      429: rateLimitedResponse,
      502: jsonResponse(z.any(), "The model provider refused or could not be reached (`provider_error`)"),
      ...standardErrors,
    },
  }),
};

export const aiTicketDraftRoutes = createRouter().openapi(routes.draft, async (c) => {
  const auth = c.get("auth");
  if (!allows(auth, "ai:use")) throw forbidden(refusalMessage(auth, "ai:use"));
  const db = orgDb(c.env, auth.orgId);
  const ticket = await requireVisibleTicket(db, auth.orgId, auth, c.req.valid("param").id);
  if (ticket.status === "closed") throw conflict("The ticket is closed; open a follow-up ticket to reply");
  const chat = requireChat(await resolveAi(c.env, db, auth.orgId));
  await admitAiRequest(c.env, db, { orgId: auth.orgId, userId: auth.userId }, "chat");
  const stream = await startTicketReplyDraft(c.env, db, {
    orgId: auth.orgId,
    userId: auth.userId,
    ticket,
    chat,
    origin: new URL(c.req.url).origin,
    instructions: c.req.valid("json").instructions || undefined,
  });
  return aiEventStream<DraftStreamEvents>(c, stream);
});
