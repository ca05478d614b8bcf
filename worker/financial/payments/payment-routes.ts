import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors, ErrorSchema } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { actorOf } from "../../platform/records";
import { PAYMENT_METHODS, PAYMENT_STATUSES } from "../../../schema";
import { isCurrency } from "../money";
import { assignPayment, getPayment, listPayments, recordManualPayment } from "./payments";
import { refundPayment } from "./payment-refunds";

const tags = ["Payments"];
const security = [{ bearerAuth: [] }];

function scope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), auth, actor: actorOf(auth, c.get("requestId")) };
}

const Currency = z.string().trim().toUpperCase().refine(isCurrency, "An ISO 4217 currency code, e.g. EUR");
const Minor = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

const RefundSchema = z.object({
  id: z.string(), paymentId: z.string(), invoiceId: z.string().nullable(), amount: z.number().int(), currency: z.string(),
  stripeRefundId: z.string().nullable(), reason: z.string().nullable(), refundedAt: z.number().int(), createdBy: z.string().nullable(), createdAt: z.number().int(),
});

const PaymentSchema = z
  .object({
    id: z.string(),
    invoiceId: z.string().nullable().openapi({ description: "Null while parked for review" }),
    invoiceNumber: z.string().nullable(),
    contactId: z.string().nullable(),
    companyId: z.string().nullable(),
    amount: z.number().int().openapi({ description: "Minor units" }),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(PAYMENT_STATUSES),
    amountRefunded: z.number().int(),
    fee: z.number().int().nullable(),
    net: z.number().int().nullable(),
    stripeConnectionId: z.string().nullable(),
    stripePaymentIntentId: z.string().nullable(),
    stripeChargeId: z.string().nullable(),
    stripeCheckoutSessionId: z.string().nullable(),
    stripeBalanceTransactionId: z.string().nullable(),
    reference: z.string().nullable(),
    needsReview: z.boolean(),
    reviewNote: z.string().nullable(),
    disputedAt: z.number().int().nullable(),
    receivedAt: z.number().int(),
    recordedBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
    refunds: z.array(RefundSchema),
  })
  .openapi("Payment");

const boolQuery = z.enum(["true", "false"]).transform((v) => v === "true");

const ListQuery = z.object({
  ...paginationQuery,
  invoiceId: z.string().max(64).optional(),
  status: z.enum(PAYMENT_STATUSES).optional(),
  method: z.enum(PAYMENT_METHODS).optional(),
  needsReview: boolQuery.optional(),
  currency: Currency.optional(),
  from: z.coerce.number().int().min(0).optional().openapi({ description: "Received at or after (epoch ms)" }),
  to: z.coerce.number().int().min(0).optional().openapi({ description: "Received at or before (epoch ms)" }),
});

const ManualBody = z
  .object({
    invoiceId: z.string().min(1).max(64),
    amount: Minor,
    currency: Currency,
    method: z.enum(["bank_transfer", "cash", "check", "other"]),
    receivedAt: z.number().int().min(0).max(8.64e15),
    reference: z.string().trim().max(200).nullable().optional(),
  })
  .strict()
  .openapi("ManualPaymentInput");

const RefundBody = z.object({ amount: Minor, reason: z.string().trim().max(500).nullable().optional() }).strict().openapi("RefundInput");
const AssignBody = z.object({ invoiceId: z.string().min(1).max(64) }).strict();

const money = {
  409: jsonResponse(ErrorSchema, "The invoice or payment is not in a state that allows this"),
  502: jsonResponse(ErrorSchema, "Stripe refused the refund"),
};

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "Payments, newest first",
    description: "Agents restricted to their own records see payments of invoices they own; parked payments (no invoice) only appear to members who see everything.",
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listEnvelope(PaymentSchema), "Payments"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: [requirePermission("billing:read")] as const,
    summary: "One payment with its refunds",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(PaymentSchema), "Payment"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Record a manual payment (bank transfer, cash, cheque)",
    description: "In the invoice's currency and at most what is due (checked again when written). The invoice becomes paid once covered.",
    request: jsonBody(ManualBody),
    responses: { 201: jsonResponse(envelope(PaymentSchema), "Recorded"), ...standardErrors, ...money },
  }),
  refund: createRoute({
    method: "post", path: "/{id}/refunds", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Refund part or all of a payment",
    description: "Stripe payments are refunded through Stripe; the charge.refunded webhook that follows is recognized by the refund's id and counts nothing twice. Manual payments record the refund.",
    request: { params: IdParam, ...jsonBody(RefundBody) },
    responses: { 201: jsonResponse(envelope(PaymentSchema), "Refunded"), ...standardErrors, ...money },
  }),
  assign: createRoute({
    method: "post", path: "/{id}/assign", tags, security, middleware: [requirePermission("billing:manage")] as const,
    summary: "Attach a parked payment to its invoice",
    request: { params: IdParam, ...jsonBody(AssignBody) },
    responses: { 200: jsonResponse(envelope(PaymentSchema), "Assigned"), ...standardErrors, ...money },
  }),
};

export const paymentRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, auth } = scope(c);
    const { page, per_page, ...filters } = c.req.valid("query");
    const { rows, total } = await listPayments(db, auth, filters, page, per_page);
    return ok(c, rows, { status: 200, meta: metaOf(page, per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const { db, auth } = scope(c);
    return ok(c, await getPayment(db, auth, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, actor } = scope(c);
    return ok(c, await recordManualPayment(c.env, db, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.refund, async (c) => {
    const { db, actor } = scope(c);
    return ok(c, await refundPayment(c.env, db, actor, c.req.valid("param").id, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.assign, async (c) => {
    const { db, actor } = scope(c);
    return ok(c, await assignPayment(c.env, db, actor, c.req.valid("param").id, c.req.valid("json").invoiceId), { status: 200 });
  });
