import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { billingSettings, companies, contacts, invoiceLines, organizations, type Invoice } from "../../../schema";
import { pdfFileName, renderInvoicePdf, type InvoicePdfDocument } from "./invoice-pdf";

/**
 * Gathers what a document's PDF prints: the frozen lines, the customer as
 * the CRM knows them now, the organization's billing details and logo.
 */

/** The logo's format from its first bytes (the upload's content type is the uploader's claim). */
function logoType(bytes: Uint8Array): "png" | "jpeg" | null {
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  if (bytes[0] === 0xff && bytes[1] === 0xd8) return "jpeg";
  return null;
}

async function readLogo(env: Pick<Env, "FILES">, key: string | null) {
  if (!key) return null;
  const object = await env.FILES.get(key);
  if (!object) return null;
  const bytes = new Uint8Array(await object.arrayBuffer());
  const type = logoType(bytes);
  return type ? { bytes, type } : null;
}

export async function pdfDocumentOf(env: Pick<Env, "FILES">, db: Db, row: Invoice, link: string | null): Promise<InvoicePdfDocument> {
  const orgId = row.orgId;
  const [lines, settings, org, company, contact] = await Promise.all([
    db.select().from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, row.id))).orderBy(asc(invoiceLines.position)),
    db.select().from(billingSettings).where(eq(billingSettings.orgId, orgId)).get(),
    db.select({ name: organizations.name }).from(organizations).where(eq(organizations.id, orgId)).get(),
    row.companyId ? db.select({ name: companies.name, address: companies.address }).from(companies).where(and(eq(companies.orgId, orgId), eq(companies.id, row.companyId))).get() : undefined,
    row.contactId
      ? db.select({ first: contacts.firstName, last: contacts.lastName, email: contacts.email }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, row.contactId))).get()
      : undefined,
  ]);
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    number: row.number,
    currency: row.currency,
    issueDate: row.issueDate,
    dueDate: row.dueDate,
    memo: row.memo,
    subtotal: row.subtotal,
    discountTotal: row.discountTotal,
    tax: row.tax,
    total: row.total,
    amountPaid: row.amountPaid,
    amountDue: row.amountDue,
    lines: lines.map((l) => ({
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discountBps: l.discountBps,
      taxRateBps: l.taxRateBps,
      amount: l.amount,
      discountAmount: l.discountAmount,
      taxAmount: l.taxAmount,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
    })),
    seller: { name: settings?.legalName?.trim() || org?.name || "", address: settings?.address ?? null, taxId: settings?.taxId ?? null, email: settings?.email ?? null },
    logo: await readLogo(env, settings?.logoKey ?? null),
    billTo: {
      company: company?.name ?? null,
      contact: contact ? `${contact.first} ${contact.last}`.trim() || null : null,
      email: contact?.email ?? null,
      address: company?.address ?? null,
    },
    paymentTerms: settings?.paymentTerms ?? null,
    footer: settings?.footer ?? null,
    link,
    timestamp: row.finalizedAt ?? row.updatedAt,
  };
}

/** The document's PDF and the file name to offer it under. */
export async function invoicePdf(env: Pick<Env, "FILES">, db: Db, row: Invoice, link: string | null) {
  const doc = await pdfDocumentOf(env, db, row, link);
  return { bytes: await renderInvoicePdf(doc), fileName: pdfFileName(doc) };
}
