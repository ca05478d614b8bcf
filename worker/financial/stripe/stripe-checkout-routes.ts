import { createRoute, z } from "@hono/zod-openapi";
import { orgDb, directoryDb } from "../../platform/db";
import { clientIp } from "../../platform/client-ip";
import { enforceRateLimits, hitRateLimit } from "../../platform/rate-limit";
import { createRouter, envelope, ErrorSchema, IdParam, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { requireInvoice, requirePublicDocument } from "../invoices";
import { sha256 } from "../../platform/ids";
import { payLink } from "./stripe-checkout";

const PayLinkSchema = z
  .object({ url: z.string().openapi({ description: "Stripe Checkout's page for what is due" }), sessionId: z.string(), expiresAt: z.number().int(), reused: z.boolean() })
  .openapi("PayLink");

const payErrors = {
  409: jsonResponse(ErrorSchema, "Not an open invoice with an amount due, or Stripe is not connected (`not_configured`)"),
  422: jsonResponse(ErrorSchema, "The connection's API base is not one NeuraCRM may call"),
  502: jsonResponse(ErrorSchema, "Stripe refused or could not be reached"),
};

const staffRoute = createRoute({
  method: "post", path: "/financial/invoices/{id}/checkout", tags: ["Stripe"], security: [{ bearerAuth: [] }],
  middleware: [requirePermission("billing:manage")] as const,
  summary: "A Stripe Checkout link for an open invoice, to share with the customer",
  description: "Creates (or reuses while it is open) a Checkout Session for the amount due, with `neuracrm_invoice_id` and `neuracrm_org_id` metadata. After paying, the customer returns to the public `/payment-complete` page (this link carries no customer token, so it cannot lead back to the document).",
  request: { params: IdParam },
  responses: { 200: jsonResponse(envelope(PayLinkSchema), "The link"), ...standardErrors, ...payErrors },
});

const TokenParam = z.object({ token: z.string().min(16).max(128).openapi({ param: { name: "token", in: "path" } }) });

const publicRoute = createRoute({
  method: "post", path: "/public/documents/{token}/pay", tags: ["Stripe"],
  summary: "The customer's Pay button: a Stripe Checkout link for the document the token opens",
  description: "Public; the token from the customer's link is the secret. Rate-limited per token and per address. The customer returns to the document page with `?paid=1`.",
  request: { params: TokenParam },
  responses: { 200: jsonResponse(envelope(PayLinkSchema), "The link"), 404: jsonResponse(ErrorSchema, "No such document"), 429: jsonResponse(ErrorSchema, "Too many attempts"), ...payErrors },
});

const PER_TOKEN = 10;
const PER_IP = 30;
const WINDOW_MS = 10 * 60_000;

export const stripeCheckoutRoutes = createRouter()
  .openapi(staffRoute, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const invoice = await requireInvoice(db, auth, c.req.valid("param").id, "invoice");
    const origin = new URL(c.req.url).origin;
    return ok(c, await payLink(c.env, db, invoice, `${origin}/payment-complete`), { status: 200 });
  })
  .openapi(publicRoute, async (c) => {
    const { token } = c.req.valid("param");
    const limits = directoryDb(c.env);
    enforceRateLimits(
      [await hitRateLimit(limits, `doc-pay:token:${await sha256(token)}`, PER_TOKEN, WINDOW_MS), await hitRateLimit(limits, `doc-pay:ip:${clientIp(c)}`, PER_IP, WINDOW_MS)],
      "payment attempts",
    );
    const invoice = await requirePublicDocument(directoryDb(c.env), token);
    const origin = new URL(c.req.url).origin;
    return ok(c, await payLink(c.env, orgDb(c.env, invoice.orgId), invoice, `${origin}/documents/${encodeURIComponent(token)}`), { status: 200 });
  });
