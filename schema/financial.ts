import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * Money: the product catalog, a deal's line items, quotes and invoices built
 * from them, payments (Stripe or recorded by hand), refunds, recognized
 * revenue and the Stripe reconciliation. Every amount is an integer in the
 * currency's minor unit (cents; yen have none), every currency an ISO 4217
 * code, every rate in basis points (1900 = 19%). Amounts in different
 * currencies are never added together.
 */

export const INVOICE_KINDS = ["invoice", "quote"] as const;
export type InvoiceKind = (typeof INVOICE_KINDS)[number];

/**
 * Invoices: draft → open → paid, or void / uncollectible (an open invoice with
 * some payment is "partially paid": status open, amountPaid > 0).
 * Quotes: draft → open (sent) → accepted (an invoice is drafted from it) or declined; void withdraws one.
 */
export const INVOICE_STATUSES = ["draft", "open", "paid", "void", "uncollectible", "accepted", "declined"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];

export const products = sqliteTable(
  "products",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    sku: text("sku"),
    description: text("description"),
    unitPrice: integer("unit_price").notNull(),
    currency: text("currency").notNull(),
    taxRateBps: integer("tax_rate_bps").notNull().default(0),
    /** A recurring product's default service period in months (12 for an annual subscription); null for one-off. */
    defaultPeriodMonths: integer("default_period_months"),
    active: integer("active", { mode: "boolean" }).notNull().default(true),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("products_org_name_idx").on(t.orgId, t.active, t.name), uniqueIndex("products_org_sku_idx").on(t.orgId, t.sku)],
);

/** The fields a line has wherever it lives (on a deal, a quote or an invoice). */
const lineColumns = () => ({
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull(),
  position: integer("position").notNull(),
  productId: text("product_id"),
  description: text("description").notNull(),
  /** Up to 3 decimals (1.5 hours). */
  quantity: real("quantity").notNull(),
  unitPrice: integer("unit_price").notNull(),
  discountBps: integer("discount_bps").notNull().default(0),
  taxRateBps: integer("tax_rate_bps").notNull().default(0),
  /** A service period ("YYYY-MM-DD", both inclusive) spreads the line's revenue evenly over its months. */
  periodStart: text("period_start"),
  periodEnd: text("period_end"),
});

export const dealLineItems = sqliteTable(
  "deal_line_items",
  {
    ...lineColumns(),
    dealId: text("deal_id").notNull(),
    /** The deal's currency when the line was written; lines of another currency are refused. */
    currency: text("currency").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("deal_line_items_deal_idx").on(t.orgId, t.dealId, t.position)],
);

/** Per deal: whether its amount follows its lines (each change of the lines writes the total to the deal through its room). */
export const dealBilling = sqliteTable(
  "deal_billing",
  {
    orgId: text("org_id").notNull(),
    dealId: text("deal_id").notNull(),
    amountFollowsLines: integer("amount_follows_lines", { mode: "boolean" }).notNull().default(true),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.dealId] })],
);

/** Per organization: who issues the documents and how they are numbered. One row, made on first use. */
export const billingSettings = sqliteTable("billing_settings", {
  orgId: text("org_id").primaryKey(),
  legalName: text("legal_name"),
  address: text("address"),
  taxId: text("tax_id"),
  email: text("email"),
  /** R2 key of the logo (PNG or JPEG) under the organization's prefix. */
  logoKey: text("logo_key"),
  invoicePrefix: text("invoice_prefix").notNull().default("INV-"),
  /** Tokens: {prefix}, {YYYY}, {seq} or {seq:N} (zero-padded to N digits). Quotes use the same format with their own prefix and sequence. */
  invoiceNumberFormat: text("invoice_number_format").notNull().default("{prefix}{YYYY}-{seq:4}"),
  /** The next invoice's sequence number; only a finalization moves it, in the same batch that gives the number. */
  invoiceNextNumber: integer("invoice_next_number").notNull().default(1),
  quotePrefix: text("quote_prefix").notNull().default("Q-"),
  quoteNextNumber: integer("quote_next_number").notNull().default(1),
  defaultDueDays: integer("default_due_days").notNull().default(30),
  quoteValidDays: integer("quote_valid_days").notNull().default(30),
  paymentTerms: text("payment_terms"),
  footer: text("footer"),
  updatedBy: text("updated_by"),
  updatedAt: integer("updated_at").notNull(),
});

export const invoices = sqliteTable(
  "invoices",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    kind: text("kind", { enum: INVOICE_KINDS }).notNull().default("invoice"),
    status: text("status", { enum: INVOICE_STATUSES }).notNull().default("draft"),
    /** Given at finalization from the organization's gapless sequence of this kind; kept when voided. */
    number: text("number"),
    sequence: integer("sequence"),
    /** Row-level access as for records: the deal's owner, or whoever drafted it. */
    ownerId: text("owner_id"),
    companyId: text("company_id"),
    contactId: text("contact_id"),
    dealId: text("deal_id"),
    /** The quote this invoice was drafted from, or the invoice an accepted quote became. */
    quoteId: text("quote_id"),
    currency: text("currency").notNull(),
    /** "YYYY-MM-DD" in the organization's time zone; set at finalization when not given. */
    issueDate: text("issue_date"),
    /** Invoices: when payment is due. Quotes: until when the offer stands. */
    dueDate: text("due_date"),
    memo: text("memo"),
    subtotal: integer("subtotal").notNull().default(0),
    discountTotal: integer("discount_total").notNull().default(0),
    tax: integer("tax").notNull().default(0),
    total: integer("total").notNull().default(0),
    amountPaid: integer("amount_paid").notNull().default(0),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    amountDue: integer("amount_due").notNull().default(0),
    /** SHA-256 (base64url) of the customer's link token (public pay / PDF / quote accept pages); the token itself is only ever in the link sent. */
    publicTokenHash: text("public_token_hash"),
    stripeConnectionId: text("stripe_connection_id"),
    /** The latest Checkout Session made for the pay link (a new one replaces it when it expires). */
    stripeCheckoutSessionId: text("stripe_checkout_session_id"),
    stripeCheckoutExpiresAt: integer("stripe_checkout_expires_at"),
    acceptedAt: integer("accepted_at"),
    acceptedName: text("accepted_name"),
    sentAt: integer("sent_at"),
    /** The last Send by email: queued, then sent, or failed with the sender's answer in sendError (the customer did not get it). */
    sendStatus: text("send_status", { enum: ["queued", "sent", "failed"] }),
    sendError: text("send_error"),
    /** Who the last Send went to (To and Cc, comma-separated). */
    sentTo: text("sent_to"),
    finalizedAt: integer("finalized_at"),
    paidAt: integer("paid_at"),
    voidedAt: integer("voided_at"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("invoices_org_sequence_idx").on(t.orgId, t.kind, t.sequence),
    index("invoices_org_status_idx").on(t.orgId, t.kind, t.status, t.dueDate),
    index("invoices_org_deal_idx").on(t.orgId, t.dealId),
    index("invoices_org_company_idx").on(t.orgId, t.companyId),
    index("invoices_org_contact_idx").on(t.orgId, t.contactId),
    uniqueIndex("invoices_public_token_idx").on(t.publicTokenHash),
  ],
);

export const invoiceLines = sqliteTable(
  "invoice_lines",
  {
    ...lineColumns(),
    invoiceId: text("invoice_id").notNull(),
    /** Computed: quantity × unit price less the discount, and the tax on that, each rounded to the currency. */
    amount: integer("amount").notNull(),
    discountAmount: integer("discount_amount").notNull().default(0),
    taxAmount: integer("tax_amount").notNull().default(0),
  },
  (t) => [index("invoice_lines_invoice_idx").on(t.orgId, t.invoiceId, t.position)],
);

export const PAYMENT_METHODS = ["card", "bank_transfer", "cash", "check", "stripe_other", "other"] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];
export const PAYMENT_STATUSES = ["pending", "succeeded", "failed", "refunded", "partially_refunded", "disputed"] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

export const payments = sqliteTable(
  "payments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Null while parked: a Stripe payment whose invoice we could not match waits for review. */
    invoiceId: text("invoice_id"),
    contactId: text("contact_id"),
    companyId: text("company_id"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    method: text("method", { enum: PAYMENT_METHODS }).notNull(),
    status: text("status", { enum: PAYMENT_STATUSES }).notNull(),
    amountRefunded: integer("amount_refunded").notNull().default(0),
    /** Stripe's fee and the net, from the charge's balance transaction, when known. */
    fee: integer("fee"),
    net: integer("net"),
    stripeConnectionId: text("stripe_connection_id"),
    stripePaymentIntentId: text("stripe_payment_intent_id"),
    stripeChargeId: text("stripe_charge_id"),
    stripeCheckoutSessionId: text("stripe_checkout_session_id"),
    stripeBalanceTransactionId: text("stripe_balance_transaction_id"),
    /** Bank reference, cheque number, or the failure / dispute reason. */
    reference: text("reference"),
    needsReview: integer("needs_review", { mode: "boolean" }).notNull().default(false),
    reviewNote: text("review_note"),
    disputedAt: integer("disputed_at"),
    receivedAt: integer("received_at").notNull(),
    recordedBy: text("recorded_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    index("payments_org_invoice_idx").on(t.orgId, t.invoiceId),
    index("payments_org_received_idx").on(t.orgId, t.receivedAt),
    index("payments_org_review_idx").on(t.orgId, t.needsReview),
    uniqueIndex("payments_org_intent_idx").on(t.orgId, t.stripePaymentIntentId),
    uniqueIndex("payments_org_charge_idx").on(t.orgId, t.stripeChargeId),
  ],
);

export const paymentRefunds = sqliteTable(
  "payment_refunds",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    paymentId: text("payment_id").notNull(),
    invoiceId: text("invoice_id"),
    amount: integer("amount").notNull(),
    currency: text("currency").notNull(),
    stripeRefundId: text("stripe_refund_id"),
    reason: text("reason"),
    refundedAt: integer("refunded_at").notNull(),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("payment_refunds_org_at_idx").on(t.orgId, t.refundedAt), uniqueIndex("payment_refunds_stripe_idx").on(t.orgId, t.stripeRefundId)],
);

/** Recognized revenue: one row per paid invoice line and month ("YYYY-MM", the organization's calendar). */
export const revenueEntries = sqliteTable(
  "revenue_entries",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    invoiceId: text("invoice_id").notNull(),
    invoiceLineId: text("invoice_line_id").notNull(),
    productId: text("product_id"),
    companyId: text("company_id"),
    ownerId: text("owner_id"),
    currency: text("currency").notNull(),
    period: text("period").notNull(),
    /** Net of discount, before tax (tax is not revenue). */
    amount: integer("amount").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("revenue_entries_line_period_idx").on(t.orgId, t.invoiceLineId, t.period), index("revenue_entries_org_period_idx").on(t.orgId, t.period)],
);

/** Non-secret settings of a Stripe connection. */
export interface StripePublicConfig {
  /** A Stripe-compatible API base overriding https://api.stripe.com (stripe-mock, local fakes); passes the outbound-fetch guard. */
  apiBaseUrl?: string;
}

export const stripeConnections = sqliteTable(
  "stripe_connections",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    /** AES-GCM (base64) of `{secretKey, webhookSecret}`, sealed like the telephony credentials; never returned. */
    configCiphertext: text("config_ciphertext").notNull(),
    configIv: text("config_iv").notNull(),
    publicConfig: text("public_config", { mode: "json" }).$type<StripePublicConfig>().notNull().default({}),
    /** "sk_test_…" or "sk_live_…" tells the mode without showing the key; the last 4 characters identify it. */
    livemode: integer("livemode", { mode: "boolean" }).notNull(),
    keyLast4: text("key_last4").notNull(),
    /** From the last successful test. */
    accountId: text("account_id"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    lastTestStatus: text("last_test_status", { enum: ["ok", "error"] }),
    lastTestMessage: text("last_test_message"),
    lastTestedAt: integer("last_tested_at"),
    lastEventAt: integer("last_event_at"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("stripe_connections_org_idx").on(t.orgId, t.createdAt)],
);

/** Every Stripe event applied, inserted in the same D1 batch as its change: a replay fails on the key and writes nothing. */
export const stripeEvents = sqliteTable(
  "stripe_events",
  {
    orgId: text("org_id").notNull(),
    connectionId: text("connection_id").notNull(),
    eventId: text("event_id").notNull(),
    type: text("type").notNull(),
    /** What applying it did ("payment pay_… recorded", "parked: no invoice", "ignored: older than the charge's state"). */
    outcome: text("outcome").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.eventId] }), index("stripe_events_org_idx").on(t.orgId, t.createdAt)],
);

export const RECONCILIATION_MISMATCHES = ["missing_in_crm", "missing_in_stripe", "amount_mismatch", "currency_mismatch", "fee_mismatch", "refund_mismatch"] as const;
export type ReconciliationMismatch = (typeof RECONCILIATION_MISMATCHES)[number];

export const reconciliationRuns = sqliteTable(
  "reconciliation_runs",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    connectionId: text("connection_id").notNull(),
    /** Epoch ms window of balance transactions compared. */
    fromAt: integer("from_at").notNull(),
    toAt: integer("to_at").notNull(),
    status: text("status", { enum: ["running", "done", "failed"] }).notNull(),
    trigger: text("trigger", { enum: ["cron", "manual"] }).notNull(),
    compared: integer("compared").notNull().default(0),
    matched: integer("matched").notNull().default(0),
    mismatches: integer("mismatches").notNull().default(0),
    error: text("error"),
    startedBy: text("started_by"),
    startedAt: integer("started_at").notNull(),
    finishedAt: integer("finished_at"),
  },
  (t) => [index("reconciliation_runs_org_idx").on(t.orgId, t.startedAt)],
);

export const reconciliationItems = sqliteTable(
  "reconciliation_items",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    runId: text("run_id").notNull(),
    kind: text("kind", { enum: RECONCILIATION_MISMATCHES }).notNull(),
    paymentId: text("payment_id"),
    stripeBalanceTransactionId: text("stripe_balance_transaction_id"),
    stripeChargeId: text("stripe_charge_id"),
    currency: text("currency"),
    expected: integer("expected"),
    actual: integer("actual"),
    message: text("message").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("reconciliation_items_run_idx").on(t.orgId, t.runId)],
);

export type Product = typeof products.$inferSelect;
export type DealLineItem = typeof dealLineItems.$inferSelect;
export type Invoice = typeof invoices.$inferSelect;
export type InvoiceLine = typeof invoiceLines.$inferSelect;
export type Payment = typeof payments.$inferSelect;
export type PaymentRefund = typeof paymentRefunds.$inferSelect;
