import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { notFound } from "../../platform/errors";
import { sha256 } from "../../platform/ids";
import { billingSettings, companies, contacts, invoiceLines, invoices, organizations, type Invoice } from "../../../schema";
import { taxBreakdown } from "../money";
import { displayStatusOf, orgToday } from "./invoice-reads";

/**
 * The customer's view of a document, reached by the secret token in the link
 * they were sent (only its SHA-256 is stored). It shows what the printed
 * document shows, never internal ids, owners or notes about other records.
 * Drafts and void documents are not there (404), like a wrong token.
 */

/** The document a customer link names, if the customer may see it now. */
export async function requirePublicDocument(db: Db, token: string): Promise<Invoice> {
  const hash = await sha256(token);
  const row = await db.select().from(invoices).where(eq(invoices.publicTokenHash, hash)).get();
  if (!row || row.status === "draft" || row.status === "void") throw notFound("Document");
  return row;
}

export async function publicDocumentView(db: Db, row: Invoice) {
  const { orgId } = row;
  const [lines, org, settings, company, contact, today] = await Promise.all([
    db.select().from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, row.id))).orderBy(asc(invoiceLines.position)),
    db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId)).get(),
    db.select().from(billingSettings).where(eq(billingSettings.orgId, orgId)).get(),
    row.companyId ? db.select({ name: companies.name }).from(companies).where(and(eq(companies.orgId, orgId), eq(companies.id, row.companyId))).get() : undefined,
    row.contactId
      ? db.select({ first: contacts.firstName, last: contacts.lastName }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, row.contactId))).get()
      : undefined,
    orgToday(db, orgId),
  ]);
  const displayStatus = displayStatusOf(row, today);
  const linked =
    row.kind === "quote" && row.status === "accepted" && row.quoteId
      ? await db.select({ number: invoices.number }).from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, row.quoteId))).get()
      : undefined;
  return {
    kind: row.kind,
    status: row.status,
    displayStatus,
    number: row.number ?? "",
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    currency: row.currency,
    memo: row.memo,
    seller: {
      name: settings?.legalName ?? org?.name ?? "",
      address: settings?.address ?? null,
      taxId: settings?.taxId ?? null,
      email: settings?.email ?? null,
      paymentTerms: settings?.paymentTerms ?? null,
      footer: settings?.footer ?? null,
    },
    customer: {
      companyName: company?.name ?? null,
      contactName: contact ? `${contact.first} ${contact.last}`.trim() : null,
    },
    lines: lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discountBps: l.discountBps,
      taxRateBps: l.taxRateBps,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
      amount: l.amount,
      discountAmount: l.discountAmount,
      taxAmount: l.taxAmount,
    })),
    taxes: taxBreakdown(lines),
    subtotal: row.subtotal,
    discountTotal: row.discountTotal,
    tax: row.tax,
    total: row.total,
    amountPaid: row.amountPaid,
    amountDue: row.amountDue,
    acceptedAt: row.acceptedAt,
    acceptedName: row.acceptedName,
    invoiceNumber: linked?.number ?? null,
    canPay: row.kind === "invoice" && row.status === "open" && row.amountDue > 0,
    canAnswer: row.kind === "quote" && displayStatus === "sent",
  };
}
