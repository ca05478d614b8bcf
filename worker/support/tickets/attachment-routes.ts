import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, IdParam, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { INLINE_TYPES, openAttachment } from "./ticket-attachments";
import { SECURITY, supportScope } from "./ticket-schemas";

const download = createRoute({
  method: "get",
  path: "/{id}",
  tags: ["Support tickets"],
  security: SECURITY,
  summary: "Download an attachment (members of the ticket's organization only)",
  middleware: [requirePermission("tickets:read")] as const,
  request: { params: IdParam },
  responses: {
    200: { description: "The file; images inline, everything else as a download", content: { "application/octet-stream": { schema: z.any() } } },
    ...standardErrors,
  },
});

/** RFC 6266 filename: an ASCII fallback plus the UTF-8 original. */
function disposition(kind: "inline" | "attachment", filename: string) {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replace(/["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

export const supportAttachmentRoutes = createRouter().openapi(download, async (c) => {
  const { orgId, auth } = supportScope(c);
  const { row, object } = await openAttachment(c.env, orgId, c.req.valid("param").id, auth);
  const inline = INLINE_TYPES.has(row.contentType);
  return new Response(object.body, {
    headers: {
      "content-type": row.contentType,
      "content-length": String(row.size),
      "content-disposition": disposition(inline ? "inline" : "attachment", row.filename),
      "x-content-type-options": "nosniff",
      "cache-control": "private, no-store",
      "content-security-policy": "default-src 'none'; sandbox",
    },
  }) as never;
});
