/**
 * Invoices and quotes: drafts from deals, gapless numbers, void and
 * uncollectible, quote answers, and the customer's link. What the PDF,
 * payment, Stripe and revenue parts read is exported here.
 */
import { createRouter } from "../../platform/http";
import { invoiceRoutes } from "./invoice-routes";
import { publicDocumentRoutes } from "./public-document-routes";

export { getInvoice, invoiceDetail, invoiceView, listInvoices, orgToday, requireInvoice, displayStatusOf } from "./invoice-reads";
export { invoiceAudience, invoiceSummary, publishInvoiceChanged } from "./invoice-events";
export { finalizeInvoice, closeInvoice, decideQuote } from "./invoice-lifecycle";
export { updateInvoice } from "./invoice-drafts";
export { UpdateInvoiceSchema } from "./invoice-schemas";
export { publicDocumentView, requirePublicDocument } from "./public-documents";
export type { InvoiceDetail, InvoiceView, DisplayStatus } from "./invoice-schemas";

export const invoiceDocumentRoutes = createRouter().route("/financial/invoices", invoiceRoutes).route("/public/documents", publicDocumentRoutes);
