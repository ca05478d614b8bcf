import { createRoute, z } from "@hono/zod-openapi";
import { rateLimitedResponse } from "../../platform/abuse-limits";
import { clientIp } from "../../platform/client-ip";
import { enforceRateLimits, hitRateLimit } from "../../platform/rate-limit";
import { directoryDb, orgDb } from "../../platform/db";
import { createRouter, IdParam, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { requireInvoice, requirePublicDocument } from "../invoices";
import { customerLinkUrl } from "../sending/customer-links";
import { invoicePdf } from "./pdf-document";

const PdfResponse = { description: "The document as a PDF (A4)", content: { "application/pdf": { schema: z.string().openapi({ format: "binary" }) } } };

/** Rendering costs far more than reading: one address may fetch this many customer PDFs a minute. */
export const PUBLIC_PDFS_PER_IP = { limit: 30, windowMs: 60_000 } as const;

const TokenParam = z.object({ token: z.string().min(1).max(100).openapi({ param: { name: "token", in: "path" }, description: "The secret of the customer's link" }) });

const routes = {
  pdf: createRoute({
    method: "get",
    path: "/financial/invoices/{id}/pdf",
    tags: ["Finance: documents"],
    security: [{ bearerAuth: [] }],
    summary: "An invoice's or quote's PDF",
    description:
      "The same document always gives the same bytes. Drafts print a DRAFT watermark and download as `draft-<id>.pdf`, void documents a VOID one. Agents restricted to their own records get 404 for others' documents.",
    middleware: [requirePermission("billing:read")] as const,
    request: { params: IdParam },
    responses: { 200: PdfResponse, ...standardErrors },
  }),
  publicPdf: createRoute({
    method: "get",
    path: "/public/documents/{token}/pdf",
    tags: ["Finance: customer link"],
    summary: "The PDF behind a customer's link (no sign-in: the token is the secret)",
    description: "404 for an unknown or replaced token, and for drafts and void documents. Limited per address (429).",
    request: { params: TokenParam },
    responses: { 200: PdfResponse, 404: standardErrors[404], 429: rateLimitedResponse },
  }),
};

function pdfResponse(bytes: Uint8Array, fileName: string, cache: string) {
  return new Response(bytes, {
    headers: {
      "content-type": "application/pdf",
      "content-length": String(bytes.byteLength),
      "content-disposition": `inline; filename="${fileName}"`,
      "x-content-type-options": "nosniff",
      "cache-control": cache,
    },
  });
}

export const pdfRoutes = createRouter()
  .openapi(routes.pdf, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const row = await requireInvoice(db, auth, c.req.valid("param").id);
    const { bytes, fileName } = await invoicePdf(c.env, db, row, null);
    return pdfResponse(bytes, fileName, "private, no-store") as never;
  })
  .openapi(routes.publicPdf, async (c) => {
    const { token } = c.req.valid("param");
    const db = directoryDb(c.env);
    enforceRateLimits([await hitRateLimit(db, `document-pdf:ip:${clientIp(c)}`, PUBLIC_PDFS_PER_IP.limit, PUBLIC_PDFS_PER_IP.windowMs)], "document downloads");
    const row = await requirePublicDocument(db, token);
    const { bytes, fileName } = await invoicePdf(c.env, orgDb(c.env, row.orgId), row, customerLinkUrl(new URL(c.req.url).origin, token));
    // The link's secret is in the URL: keep the file out of shared caches and referrers.
    const res = pdfResponse(bytes, fileName, "private, no-store");
    res.headers.set("referrer-policy", "no-referrer");
    return res as never;
  });
