import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { createRouter, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { listAudit } from "../platform/audit-writer";
import { auditVia, AuditViaSchema } from "../platform/audit-via";

const AuditEntrySchema = z
  .object({
    id: z.string(),
    actorId: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    changes: z.record(z.string(), z.unknown()).nullable(),
    requestId: z.string().nullable(),
    via: AuditViaSchema,
    createdAt: z.number().int(),
  })
  .openapi("AuditEntry");

const listRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Audit log"],
  security: [{ bearerAuth: [] }],
  summary: "Every mutation in the organization, newest first",
  middleware: [requirePermission("audit:read")] as const,
  request: {
    query: z.object({
      ...paginationQuery,
      entity: z.string().min(1).max(64).optional(),
      entityId: z.string().min(1).max(64).optional(),
      actorId: z.string().min(1).max(64).optional(),
      action: z.string().min(1).max(64).optional(),
    }),
  },
  responses: { 200: jsonResponse(listEnvelope(AuditEntrySchema), "Audit entries"), ...standardErrors },
});

export const auditLogRoutes = createRouter().openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const orgId = c.get("auth").orgId;
  const { rows, total } = await listAudit(orgDb(c.env, orgId), orgId, {
    page: q.page,
    perPage: q.per_page,
    entity: q.entity,
    entityId: q.entityId,
    actorId: q.actorId,
    action: q.action,
  });
  return ok(
    c,
    rows.map(({ orgId: _org, ...row }) => ({ ...row, via: auditVia(row.requestId) })),
    { status: 200, meta: metaOf(q.page, q.per_page, total) },
  );
});
