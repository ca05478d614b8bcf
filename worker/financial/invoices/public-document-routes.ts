import { createRoute, z } from "@hono/zod-openapi";
import { rateLimitedResponse } from "../../platform/abuse-limits";
import { clientIp } from "../../platform/client-ip";
import { directoryDb } from "../../platform/db";
import { createRouter, envelope, ErrorSchema, jsonBody, jsonResponse, ok } from "../../platform/http";
import { enforceRateLimits, hitRateLimit } from "../../platform/rate-limit";
import { sha256 } from "../../platform/ids";
import { publishInvoiceChanged } from "./invoice-events";
import { decideQuote } from "./invoice-lifecycle";
import { DecisionSchema, DISPLAY_STATUSES } from "./invoice-schemas";
import { publicDocumentView, requirePublicDocument } from "./public-documents";
import { INVOICE_KINDS, INVOICE_STATUSES } from "../../../schema";

/**
 * The customer's link: no account, the secret token in the path is the key.
 * Answers are limited per token and per address, so a leaked link cannot be
 * hammered and one address cannot sweep many links.
 */

const tags = ["Customer documents"];
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
export const PUBLIC_DOCUMENT_LIMITS = {
  viewsPerIp: { limit: 120, windowMs: MINUTE },
  answersPerToken: { limit: 10, windowMs: HOUR },
  answersPerIp: { limit: 30, windowMs: HOUR },
} as const;

const TokenParam = z.object({ token: z.string().min(16).max(128).openapi({ param: { name: "token", in: "path" } }) });

const Line = z.object({
  description: z.string(), quantity: z.number(), unitPrice: z.number().int(), discountBps: z.number().int(), taxRateBps: z.number().int(),
  periodStart: z.string().nullable(), periodEnd: z.string().nullable(), amount: z.number().int(), discountAmount: z.number().int(), taxAmount: z.number().int(),
});

const PublicDocumentSchema = z
  .object({
    kind: z.enum(INVOICE_KINDS),
    status: z.enum(INVOICE_STATUSES),
    displayStatus: z.enum(DISPLAY_STATUSES),
    number: z.string(),
    issueDate: z.string().nullable(),
    dueDate: z.string().nullable(),
    currency: z.string(),
    memo: z.string().nullable(),
    seller: z.object({ name: z.string(), address: z.string().nullable(), taxId: z.string().nullable(), email: z.string().nullable(), paymentTerms: z.string().nullable(), footer: z.string().nullable() }),
    customer: z.object({ companyName: z.string().nullable(), contactName: z.string().nullable() }),
    lines: z.array(Line),
    taxes: z.array(z.object({ rateBps: z.number().int(), taxable: z.number().int(), tax: z.number().int() })),
    subtotal: z.number().int(),
    discountTotal: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
    amountPaid: z.number().int(),
    amountDue: z.number().int(),
    acceptedAt: z.number().int().nullable(),
    acceptedName: z.string().nullable(),
    invoiceNumber: z.string().nullable().openapi({ description: "An accepted quote's invoice, once it has a number" }),
    canPay: z.boolean(),
    canAnswer: z.boolean().openapi({ description: "An open quote that has not expired" }),
  })
  .openapi("PublicDocument");

const notFound = jsonResponse(ErrorSchema, "No such link, or the document is a draft or void");

const answer = <P extends string>(path: P, summary: string) =>
  createRoute({
    method: "post", path, tags, summary,
    description: "Public: the link's token is the key. Limited per token and per address; a quote answers once (409 after).",
    request: { params: TokenParam, ...jsonBody(DecisionSchema) },
    responses: {
      200: jsonResponse(envelope(PublicDocumentSchema), "The quote after the answer"),
      400: jsonResponse(ErrorSchema, "Invalid input (`validation_error`)"),
      404: notFound,
      409: jsonResponse(ErrorSchema, "Already answered, or expired (`conflict`)"),
      429: rateLimitedResponse,
    },
  });

const routes = {
  view: createRoute({
    method: "get", path: "/{token}", tags,
    summary: "The customer's view of an invoice or quote",
    description: "Public: the link's token is the key. What the printed document shows, nothing else.",
    request: { params: TokenParam },
    responses: { 200: jsonResponse(envelope(PublicDocumentSchema), "The document"), 404: notFound, 429: rateLimitedResponse },
  }),
  accept: answer("/{token}/accept", "Accept a quote (the customer types their name)"),
  decline: answer("/{token}/decline", "Decline a quote"),
};

async function limitAnswer(db: ReturnType<typeof directoryDb>, token: string, ip: string) {
  const { answersPerToken, answersPerIp } = PUBLIC_DOCUMENT_LIMITS;
  const tokenKey = await sha256(token);
  enforceRateLimits(
    await Promise.all([
      hitRateLimit(db, `document-answer:token:${tokenKey}`, answersPerToken.limit, answersPerToken.windowMs),
      hitRateLimit(db, `document-answer:ip:${ip}`, answersPerIp.limit, answersPerIp.windowMs),
    ]),
    "answers to this document",
  );
}

export const publicDocumentRoutes = createRouter()
  .openapi(routes.view, async (c) => {
    const db = directoryDb(c.env);
    const { viewsPerIp } = PUBLIC_DOCUMENT_LIMITS;
    enforceRateLimits([await hitRateLimit(db, `document-view:ip:${clientIp(c)}`, viewsPerIp.limit, viewsPerIp.windowMs)], "document views");
    const row = await requirePublicDocument(db, c.req.valid("param").token);
    return ok(c, await publicDocumentView(db, row));
  })
  .openapi(routes.accept, async (c) => {
    const db = directoryDb(c.env);
    const { token } = c.req.valid("param");
    await limitAnswer(db, token, clientIp(c));
    const quote = await requirePublicDocument(db, token);
    const result = await decideQuote(db, quote, { accept: true, name: c.req.valid("json").name }, { userId: null, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, result.quote, "accepted", null);
    if (result.invoice) await publishInvoiceChanged(c.env, db, result.invoice, "created", null);
    return ok(c, await publicDocumentView(db, result.quote));
  })
  .openapi(routes.decline, async (c) => {
    const db = directoryDb(c.env);
    const { token } = c.req.valid("param");
    await limitAnswer(db, token, clientIp(c));
    const quote = await requirePublicDocument(db, token);
    const result = await decideQuote(db, quote, { accept: false, name: c.req.valid("json").name }, { userId: null, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, result.quote, "declined", null);
    return ok(c, await publicDocumentView(db, result.quote));
  });
