import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { AppError, invalid } from "../../platform/errors";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { auditVia, AuditViaSchema } from "../../platform/audit-via";
import { ALLOWED_ATTACHMENT_TYPES, MAX_ATTACHMENT_BYTES, storeAttachment } from "./ticket-attachments";
import { announceViewing, publicTicket, VIEWING_ACTIVITIES } from "./ticket-events";
import { requireVisibleTicket } from "./ticket-visibility";
import { listAudit } from "../../platform/audit-writer";
import { autoAssign, commentOnTicket, mergeTicket } from "./ticket-flow";
import { AttachmentSchema, checkHistoryTime, CommentSchema, HistoryTime, SECURITY, supportScope, TicketSchema } from "./ticket-schemas";

const tags = ["Support tickets"];
const security = SECURITY;

const CommentBody = z
  .object({
    kind: z.enum(["public", "internal"]).default("public").openapi({ description: "`public`: a reply the requester sees; `internal`: a note for agents" }),
    body: z.string().trim().min(1).max(50_000),
    createdAt: HistoryTime.optional(),
  })
  .strict()
  .openapi("TicketCommentCreate");

/** Multipart overhead on top of the file itself. */
const UPLOAD_SLACK = 64 * 1024;

const routes = {
  comment: createRoute({
    method: "post",
    path: "/{id}/comments",
    tags,
    security,
    summary: "Reply publicly or add an internal note; the first public reply stops the first-response clock",
    middleware: [requirePermission("tickets:write")] as const,
    request: { params: IdParam, ...jsonBody(CommentBody) },
    responses: {
      201: jsonResponse(envelope(z.object({ comment: CommentSchema, ticket: TicketSchema })), "Added"),
      409: jsonResponse(z.any(), "The ticket is closed"),
      ...standardErrors,
    },
  }),
  merge: createRoute({
    method: "post",
    path: "/{id}/merge",
    tags,
    security,
    summary: "Merge this ticket into `intoId`: comments and attachments move, this one is closed and linked",
    middleware: [requirePermission("tickets:write")] as const,
    request: { params: IdParam, ...jsonBody(z.object({ intoId: z.string().min(1).max(64) }).strict()) },
    responses: {
      200: jsonResponse(envelope(z.object({ source: TicketSchema, target: TicketSchema })), "Merged"),
      409: jsonResponse(z.any(), "Already merged or closed"),
      ...standardErrors,
    },
  }),
  assign: createRoute({
    method: "post",
    path: "/{id}/assign",
    tags,
    security,
    summary: "Assign now by the team's rule (round robin or least loaded among its available agents)",
    middleware: [requirePermission("tickets:write")] as const,
    request: { params: IdParam, ...jsonBody(z.object({ teamId: z.string().min(1).max(64).optional() }).strict()) },
    responses: {
      200: jsonResponse(envelope(z.object({ ticket: TicketSchema, assigned: z.boolean() })), "`assigned` is false when nobody was available"),
      ...standardErrors,
    },
  }),
  history: createRoute({
    method: "get",
    path: "/{id}/history",
    tags,
    security,
    summary: "The ticket's audit trail: every change, reply, note, assignment, merge and SLA breach, newest first",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam, query: z.object(paginationQuery) },
    responses: {
      200: jsonResponse(
        listEnvelope(
          z.object({
            id: z.string(),
            actorId: z.string().nullable(),
            via: AuditViaSchema,
            action: z.string(),
            changes: z.record(z.string(), z.unknown()).nullable(),
            createdAt: z.number().int(),
          }),
        ),
        "History",
      ),
      ...standardErrors,
    },
  }),
  presence: createRoute({
    method: "post",
    path: "/{id}/presence",
    tags,
    security,
    summary: "Tell other agents you are viewing or replying to this ticket (collision detection)",
    description:
      "Publishes `ticket_viewing` `{ticketId, userId, name, activity}` to the organization room. Send `viewing` or `replying` " +
      "on open and every ~20 s as a heartbeat, `left` on close; clients drop entries not refreshed within ~45 s.",
    middleware: [requirePermission("tickets:read")] as const,
    request: { params: IdParam, ...jsonBody(z.object({ activity: z.enum(VIEWING_ACTIVITIES) }).strict()) },
    responses: { 200: jsonResponse(envelope(z.null()), "Published"), ...standardErrors },
  }),
  upload: createRoute({
    method: "post",
    path: "/{id}/attachments",
    tags,
    security,
    summary: "Attach a file (at most 10 MB, allowed types only)",
    description:
      "Either `multipart/form-data` with a `file` part (and optional `commentId` field), or the raw file as the body with its " +
      "`Content-Type` and the name in `X-Filename` (URL-encoded) and optional `?commentId=`. " +
      `Allowed types: ${ALLOWED_ATTACHMENT_TYPES.join(", ")}.`,
    middleware: [
      requirePermission("tickets:write"),
      bodyLimit({
        maxSize: MAX_ATTACHMENT_BYTES + UPLOAD_SLACK,
        onError: () => {
          throw new AppError("payload_too_large", `Attachments are limited to ${MAX_ATTACHMENT_BYTES} bytes`);
        },
      }),
    ] as const,
    request: { params: IdParam, query: z.object({ commentId: z.string().min(1).max(64).optional() }) },
    responses: {
      201: jsonResponse(envelope(AttachmentSchema), "Stored"),
      413: jsonResponse(z.any(), "Too large"),
      415: jsonResponse(z.any(), "Type not allowed"),
      ...standardErrors,
    },
  }),
};

export const supportTicketActionRoutes = createRouter()
  .openapi(routes.comment, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    const { createdAt } = c.req.valid("json");
    const ticket = await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    if (createdAt !== undefined) checkHistoryTime(c, "createdAt", createdAt, ticket.createdAt);
    const result = await commentOnTicket(c.env, orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, { comment: result.comment, ticket: publicTicket(result.after) }, { status: 201 });
  })
  .openapi(routes.merge, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    // A target the caller may not see is as unknown to them as one that does not exist.
    await requireVisibleTicket(db, orgId, auth, c.req.valid("json").intoId).catch(() => {
      throw invalid({ intoId: ["No such ticket in this organization"] });
    });
    const { source, target } = await mergeTicket(c.env, orgId, actor, c.req.valid("param").id, c.req.valid("json").intoId);
    return ok(c, { source: publicTicket(source), target: publicTicket(target) });
  })
  .openapi(routes.assign, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    const { ticket, assigned } = await autoAssign(c.env, orgId, actor, c.req.valid("param").id, c.req.valid("json").teamId);
    return ok(c, { ticket: publicTicket(ticket), assigned });
  })
  .openapi(routes.history, async (c) => {
    const { db, orgId, auth } = supportScope(c);
    const ticket = await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    const q = c.req.valid("query");
    const { rows, total } = await listAudit(db, orgId, { page: q.page, perPage: q.per_page, entity: "ticket", entityId: ticket.id });
    const data = rows.map((r) => ({ id: r.id, actorId: r.actorId, via: auditVia(r.requestId), action: r.action, changes: r.changes, createdAt: r.createdAt }));
    return ok(c, data, { meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.presence, async (c) => {
    const { db, orgId, userId, auth } = supportScope(c);
    const ticket = await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    await announceViewing(c.env, orgId, ticket, userId, c.req.valid("json").activity);
    return ok(c, null);
  })
  .openapi(routes.upload, async (c) => {
    const { db, orgId, actor, auth } = supportScope(c);
    await requireVisibleTicket(db, orgId, auth, c.req.valid("param").id);
    const type = c.req.header("content-type") ?? "";
    let file: { filename: string; contentType: string; data: ArrayBuffer; commentId?: string };
    if (type.startsWith("multipart/form-data")) {
      const form = await c.req.parseBody();
      const part = form.file;
      if (!(part instanceof File)) throw invalid({ file: ["Send the file in a part named `file`"] });
      const commentId = typeof form.commentId === "string" && form.commentId ? form.commentId : undefined;
      file = { filename: part.name, contentType: part.type, data: await part.arrayBuffer(), commentId };
    } else {
      const raw = c.req.header("x-filename");
      if (!raw) throw invalid({ "X-Filename": ["Name the file in the X-Filename header"] });
      let filename: string;
      try {
        filename = decodeURIComponent(raw);
      } catch {
        throw invalid({ "X-Filename": ["Not valid URL encoding"] });
      }
      file = { filename, contentType: type, data: await c.req.arrayBuffer(), commentId: c.req.valid("query").commentId };
    }
    const stored = await storeAttachment(c.env, orgId, actor, c.req.valid("param").id, file);
    return ok(c, stored, { status: 201 });
  });
