import { z } from "@hono/zod-openapi";
import { INVOICE_KINDS, INVOICE_STATUSES, PAYMENT_METHODS, PAYMENT_STATUSES } from "../../../schema";
import { LineInputSchema, MAX_LINES } from "../catalog/line-input";

/** The wire shapes of invoices and quotes: what the routes accept and answer. */

const Id = z.string().min(1).max(64);
export const DateString = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD");
export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, e.g. USD");

/** What the badges show: the stored status refined by payments and dates (overdue, partially paid, expired). */
export const DISPLAY_STATUSES = ["draft", "open", "partially_paid", "paid", "overdue", "void", "uncollectible", "sent", "accepted", "declined", "expired"] as const;
export type DisplayStatus = (typeof DISPLAY_STATUSES)[number];

const Lines = z.array(LineInputSchema).max(MAX_LINES);

export const CreateInvoiceSchema = z
  .object({
    kind: z.enum(INVOICE_KINDS).default("invoice"),
    fromDealId: Id.optional().openapi({ description: "Copies the deal's line items, company, contact, currency and owner" }),
    companyId: Id.nullable().optional(),
    contactId: Id.nullable().optional(),
    dealId: Id.nullable().optional(),
    ownerId: Id.nullable().optional(),
    currency: CurrencyCode.optional(),
    issueDate: DateString.nullable().optional(),
    dueDate: DateString.nullable().optional().openapi({ description: "Defaults to the billing settings' due days (quotes: validity days) after today" }),
    memo: z.string().max(5000).nullable().optional(),
    lines: Lines.optional(),
  })
  .strict()
  .openapi("CreateInvoice");

export const UpdateInvoiceSchema = z
  .object({
    companyId: Id.nullable(),
    contactId: Id.nullable(),
    dealId: Id.nullable(),
    ownerId: Id.nullable(),
    currency: CurrencyCode,
    issueDate: DateString.nullable(),
    dueDate: DateString.nullable(),
    memo: z.string().max(5000).nullable(),
    lines: Lines,
  })
  .partial()
  .strict()
  .openapi("UpdateInvoice");

export const InvoiceLineSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    productId: z.string().nullable(),
    description: z.string(),
    quantity: z.number(),
    unitPrice: z.number().int(),
    discountBps: z.number().int(),
    taxRateBps: z.number().int(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    amount: z.number().int().openapi({ description: "After discount, before tax (minor units)" }),
    discountAmount: z.number().int(),
    taxAmount: z.number().int(),
  })
  .openapi("InvoiceLine");

export const InvoiceSchema = z
  .object({
    id: z.string(),
    kind: z.enum(INVOICE_KINDS),
    status: z.enum(INVOICE_STATUSES),
    displayStatus: z.enum(DISPLAY_STATUSES),
    number: z.string().nullable(),
    sequence: z.number().int().nullable(),
    ownerId: z.string().nullable(),
    companyId: z.string().nullable(),
    contactId: z.string().nullable(),
    dealId: z.string().nullable(),
    quoteId: z.string().nullable(),
    currency: z.string(),
    issueDate: z.string().nullable(),
    dueDate: z.string().nullable(),
    memo: z.string().nullable(),
    subtotal: z.number().int(),
    discountTotal: z.number().int(),
    tax: z.number().int(),
    total: z.number().int(),
    amountPaid: z.number().int(),
    amountRefunded: z.number().int(),
    amountDue: z.number().int(),
    customerName: z.string().nullable(),
    hasPublicLink: z.boolean(),
    acceptedAt: z.number().int().nullable(),
    acceptedName: z.string().nullable(),
    sentAt: z.number().int().nullable(),
    sendStatus: z.enum(["queued", "sent", "failed"]).nullable().openapi({ description: "The last Send by email" }),
    sendError: z.string().nullable(),
    sentTo: z.string().nullable(),
    finalizedAt: z.number().int().nullable(),
    paidAt: z.number().int().nullable(),
    voidedAt: z.number().int().nullable(),
    createdBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Invoice");

export const InvoicePaymentSchema = z
  .object({
    id: z.string(),
    amount: z.number().int(),
    currency: z.string(),
    method: z.enum(PAYMENT_METHODS),
    status: z.enum(PAYMENT_STATUSES),
    amountRefunded: z.number().int(),
    reference: z.string().nullable(),
    receivedAt: z.number().int(),
  })
  .openapi("InvoicePayment");

export const InvoiceDetailSchema = InvoiceSchema.extend({
  lines: z.array(InvoiceLineSchema),
  payments: z.array(InvoicePaymentSchema),
  companyName: z.string().nullable(),
  contactName: z.string().nullable(),
  dealTitle: z.string().nullable(),
  linkedNumber: z.string().nullable().openapi({ description: "The number of the quote this invoice came from, or of the invoice an accepted quote became" }),
}).openapi("InvoiceDetail");

export type InvoiceView = z.infer<typeof InvoiceSchema>;
export type InvoiceDetail = z.infer<typeof InvoiceDetailSchema>;

export const INVOICE_SORTS = ["number", "issueDate", "dueDate", "total", "createdAt"] as const;

export const ListInvoicesQuery = {
  kind: z.enum(INVOICE_KINDS).optional(),
  status: z.enum(DISPLAY_STATUSES).optional().openapi({ description: "A stored status, or overdue, partially_paid, sent, expired" }),
  dealId: Id.optional(),
  companyId: Id.optional(),
  contactId: Id.optional(),
  ownerId: Id.optional(),
  overdue: z.enum(["true", "false"]).optional(),
  q: z.string().trim().min(1).max(100).optional().openapi({ description: "Number or customer name" }),
};

export const DecisionSchema = z.object({ name: z.string().trim().min(1).max(200) }).strict().openapi("QuoteDecision");
