import { and, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { orgDb } from "../../platform/db";
import type { AuthContext, Env } from "../../platform/env";
import { auditStatement } from "../../platform/audit-writer";
import { conflict, invalid, setupMissing } from "../../platform/errors";
import { enqueue, type JobHandler } from "../../platform/job-queue";
import { DeliveryError, mailDomain, mailStatus, sendMime } from "../../platform/mail-sender";
import { buildMime } from "../../platform/mime-message";
import { billingSettings, contacts, invoices, organizations, type Invoice } from "../../../schema";
import { INVOICE_SEND_JOB, type InvoiceSendJob } from "../../../schema/jobs";
import { publishInvoiceChanged, requireInvoice } from "../invoices";
import { invoicePdf } from "../pdf/pdf-document";
import { customerLinkUrl, customerMayOpen, issueLinkToken } from "./customer-links";
import { defaultMessage, defaultSubject, invoiceMailHtml, invoiceMailText } from "./invoice-mail";

/**
 * "Send": the document goes to the customer by email with its PDF attached
 * and a fresh link to view and pay (or accept) it online. The request only
 * checks and queues; the queue job renders, mails and records the outcome
 * (sent, or failed with the sender's answer), so a slow or failing mail
 * provider never holds the request and a failure stays visible.
 */

export interface SendInput {
  to?: string[];
  cc?: string[];
  subject?: string;
  message?: string;
}

function requireLinkable(row: Invoice) {
  if (!customerMayOpen(row)) {
    throw conflict(row.status === "draft" ? `Finalize the ${row.kind} before sharing it` : `A void ${row.kind} cannot be shared`, { status: row.status });
  }
}

async function sellerName(db: Db, orgId: string) {
  const [settings, org] = await Promise.all([
    db.select({ legalName: billingSettings.legalName, email: billingSettings.email }).from(billingSettings).where(eq(billingSettings.orgId, orgId)).get(),
    db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId)).get(),
  ]);
  return { name: settings?.legalName?.trim() || org?.name || "NeuraCRM", replyTo: settings?.email ?? null };
}

/** A new customer link for a finalized document; the previous link stops working. */
export async function issueCustomerLink(env: Pick<Env, "DB">, auth: AuthContext, id: string, origin: string, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const row = await requireInvoice(db, auth, id);
  requireLinkable(row);
  const { token } = await issueLinkToken(db, row);
  await db.batch([auditStatement(db, auth.orgId, { actorId: auth.userId, action: "invoice_link_issued", entity: "invoice", entityId: row.id, requestId })]);
  return { url: customerLinkUrl(origin, token) };
}

/**
 * Checks and queues a Send. Refused (and nothing written) for drafts and
 * void documents, without a recipient, or while no mail sender is configured.
 */
export async function queueInvoiceSend(env: Pick<Env, "DB" | "JOBS" | "SEND_EMAIL" | "EMAIL_API_URL" | "EMAIL_API_KEY">, auth: AuthContext, id: string, input: SendInput, origin: string, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const row = await requireInvoice(db, auth, id);
  requireLinkable(row);
  const status = mailStatus(env, "documents cannot be sent by email until then");
  if (!status.configured) throw setupMissing(status.message);
  let to = input.to?.length ? input.to : [];
  if (!to.length && row.contactId) {
    const contact = await db.select({ email: contacts.email }).from(contacts).where(and(eq(contacts.orgId, auth.orgId), eq(contacts.id, row.contactId))).get();
    if (contact?.email) to = [contact.email];
  }
  if (!to.length) throw invalid({ to: [`The ${row.kind}'s contact has no email address: give one`] }, "No recipient");
  const cc = (input.cc ?? []).filter((a) => !to.includes(a));
  const seller = await sellerName(db, auth.orgId);
  const job: InvoiceSendJob = {
    type: INVOICE_SEND_JOB,
    orgId: auth.orgId,
    invoiceId: row.id,
    to,
    cc,
    subject: input.subject?.trim() || defaultSubject(row, seller.name),
    message: input.message?.trim() || defaultMessage(row),
    origin,
    by: auth.userId,
  };
  const sentTo = [...to, ...cc].join(", ");
  await db.batch([
    db.update(invoices).set({ sendStatus: "queued", sendError: null, sentTo }).where(and(eq(invoices.orgId, auth.orgId), eq(invoices.id, row.id))),
    auditStatement(db, auth.orgId, { actorId: auth.userId, action: "invoice_send_queued", entity: "invoice", entityId: row.id, changes: { to, cc }, requestId }),
  ]);
  await enqueue(env, job);
  return { status: "queued" as const, to, cc, subject: job.subject };
}

async function recordFailure(env: Env, db: Db, job: InvoiceSendJob, row: Invoice, reason: string) {
  const [[updated]] = await db.batch([
    db.update(invoices).set({ sendStatus: "failed", sendError: reason.slice(0, 500) }).where(and(eq(invoices.orgId, job.orgId), eq(invoices.id, row.id))).returning(),
    auditStatement(db, job.orgId, { actorId: job.by, action: "invoice_send_failed", entity: "invoice", entityId: row.id, changes: { to: job.to, cc: job.cc, error: reason.slice(0, 500) } }),
  ]);
  if (updated) await publishInvoiceChanged(env, db, updated, "updated", job.by);
}

/**
 * Renders and mails the document. A document voided meanwhile is not sent.
 * A sender failure is recorded and thrown, so the queue retries it.
 */
export async function deliverInvoice(env: Env, job: InvoiceSendJob, now = Date.now()) {
  const db = orgDb(env, job.orgId);
  const current = await db.select().from(invoices).where(and(eq(invoices.orgId, job.orgId), eq(invoices.id, job.invoiceId))).get();
  if (!current) return null;
  if (!customerMayOpen(current)) {
    await recordFailure(env, db, job, current, `Not sent: the ${current.kind} is ${current.status}`);
    return null;
  }
  const status = mailStatus(env, "documents cannot be sent by email until then");
  if (!status.configured) {
    await recordFailure(env, db, job, current, status.message);
    return null;
  }
  const { token, row } = await issueLinkToken(db, current, now);
  const link = customerLinkUrl(job.origin, token);
  const seller = await sellerName(db, job.orgId);
  const { bytes, fileName } = await invoicePdf(env, db, row, link);
  const content = { sellerName: seller.name, message: job.message, link };
  const raw = buildMime({
    from: { addr: `billing@${mailDomain(env)}`, name: seller.name },
    to: job.to.map((addr) => ({ addr })),
    cc: job.cc.map((addr) => ({ addr })),
    replyTo: seller.replyTo ?? undefined,
    subject: job.subject,
    headers: { "X-NeuraCRM-Document": row.id },
    text: invoiceMailText(row, content),
    html: invoiceMailHtml(row, content),
    attachments: [{ filename: fileName, contentType: "application/pdf", bytes }],
  });
  try {
    await sendMime(env, `billing@${mailDomain(env)}`, [...job.to, ...job.cc], raw);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    await recordFailure(env, db, job, row, reason);
    throw err instanceof DeliveryError ? err : new DeliveryError(reason);
  }
  const [[updated]] = await db.batch([
    db
      .update(invoices)
      .set({ sentAt: now, sendStatus: "sent", sendError: null, sentTo: [...job.to, ...job.cc].join(", "), updatedAt: Math.max(row.updatedAt, now) })
      .where(and(eq(invoices.orgId, job.orgId), eq(invoices.id, row.id)))
      .returning(),
    auditStatement(db, job.orgId, { actorId: job.by, action: "invoice_sent", entity: "invoice", entityId: row.id, changes: { to: job.to, cc: job.cc, provider: status.provider } }),
  ]);
  if (updated) await publishInvoiceChanged(env, db, updated, "sent", job.by);
  return { raw, link };
}

export const invoiceSendJob: JobHandler = async (env, job) => {
  await deliverInvoice(env, job as InvoiceSendJob);
};
