import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, ErrorSchema, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { issueCustomerLink, queueInvoiceSend } from "./invoice-sending";

const tags = ["Finance: documents"];
const security = [{ bearerAuth: [] }];

const Email = z.string().trim().toLowerCase().email().max(254);

const SendBody = z
  .object({
    to: z.array(Email).min(1).max(10).optional().openapi({ description: "Defaults to the document's contact's email" }),
    cc: z.array(Email).max(10).optional(),
    subject: z.string().trim().max(200).optional(),
    message: z.string().max(5000).optional().openapi({ description: "The email's text above the amount and the link; a polite default when empty" }),
  })
  .strict()
  .openapi("InvoiceSend");

const SendQueued = z
  .object({ status: z.literal("queued"), to: z.array(z.string()), cc: z.array(z.string()), subject: z.string() })
  .openapi("InvoiceSendQueued");

const CustomerLink = z.object({ url: z.string().url() }).openapi("CustomerLink");

const notConfigured = jsonResponse(ErrorSchema, "`not_configured`: no outbound mail sender (SEND_EMAIL, or EMAIL_API_URL and EMAIL_API_KEY); nothing was written");

const routes = {
  link: createRoute({
    method: "post",
    path: "/financial/invoices/{id}/link",
    tags,
    security,
    summary: "A new link for the customer to view, pay or accept the document",
    description: "Only finalized documents (not drafts, not void). The token is shown once, in `url`; a new link replaces the previous one, which stops working.",
    middleware: [requirePermission("billing:manage")] as const,
    request: { params: IdParam },
    responses: { 201: jsonResponse(envelope(CustomerLink), "The link"), 409: jsonResponse(ErrorSchema, "A draft or void document"), ...standardErrors },
  }),
  send: createRoute({
    method: "post",
    path: "/financial/invoices/{id}/send",
    tags,
    security,
    summary: "Email the document with its PDF and a fresh customer link",
    description:
      "Queued: the answer comes before the mail goes. The document's `sendStatus` becomes `sent` (with `sentAt`) or `failed` (with `sendError`), and members see `invoice_updated`. The new link replaces the previous one.",
    middleware: [requirePermission("billing:manage")] as const,
    request: { params: IdParam, ...jsonBody(SendBody) },
    responses: { 202: jsonResponse(envelope(SendQueued), "Queued"), 409: notConfigured, ...standardErrors },
  }),
};

export const sendingRoutes = createRouter()
  .openapi(routes.link, async (c) => {
    const origin = new URL(c.req.url).origin;
    return ok(c, await issueCustomerLink(c.env, c.get("auth"), c.req.valid("param").id, origin, c.get("requestId")), { status: 201 });
  })
  .openapi(routes.send, async (c) => {
    const origin = new URL(c.req.url).origin;
    const result = await queueInvoiceSend(c.env, c.get("auth"), c.req.valid("param").id, c.req.valid("json"), origin, c.get("requestId"));
    return ok(c, result, { status: 202 });
  });
