/**
 * Money: the product catalog and deal line items, quotes and invoices with
 * gapless numbers and PDFs, Stripe payments reconciled by signed webhooks,
 * manual payments and refunds, recognized revenue and its reports. Mounted
 * under /api by worker/app.ts: /api/financial/..., and the customer's link
 * pages under /api/public/documents/{token}.
 */
import { createRouter } from "../platform/http";
import { registerJob } from "../platform/job-queue";
import { INVOICE_SEND_JOB, RECONCILIATION_JOB } from "../../schema/jobs";
import { billingSettingsRoutes } from "./settings/settings-routes";
import { productRoutes } from "./catalog/product-routes";
import { dealLineRoutes } from "./deal-lines/deal-line-routes";
import { invoiceDocumentRoutes } from "./invoices";
import { pdfRoutes } from "./pdf/pdf-routes";
import { sendingRoutes } from "./sending/sending-routes";
import { invoiceSendJob } from "./sending/invoice-sending";
import { stripeRoutes } from "./stripe/stripe-routes";
import { paymentRoutes } from "./payments/payment-routes";
import { reportRoutes } from "./revenue/report-routes";
import { reconciliationRoutes } from "./reconciliation/reconciliation-routes";
import { reconciliationJob } from "./reconciliation/reconciliation-job";

registerJob(INVOICE_SEND_JOB, invoiceSendJob);
registerJob(RECONCILIATION_JOB, reconciliationJob);

/** The nightly Stripe reconciliation sweep, registered by worker/index.ts. */
export { reconciliationTask } from "./reconciliation/reconciliation-task";

/** For workflow actions (worker/automation): a draft changed as its PATCH route changes it, with the same validation. */
export { invoiceDetail, orgToday, publishInvoiceChanged, requireInvoice, updateInvoice, UpdateInvoiceSchema } from "./invoices";
/** For workflows (worker/automation), which re-read the invoice a run is about with the owner's authority. */
export { getInvoice } from "./invoices";

export const financialRoutes = createRouter()
  .route("/financial/reports", reportRoutes)
  .route("/financial/reconciliation", reconciliationRoutes)
  .route("/", pdfRoutes)
  .route("/", sendingRoutes)
  .route("/financial/products", productRoutes)
  .route("/financial/deals", dealLineRoutes)
  .route("/financial/settings", billingSettingsRoutes)
  .route("/", invoiceDocumentRoutes)
  .route("/", stripeRoutes)
  .route("/financial/payments", paymentRoutes);
