import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { auditStatementIf } from "../../platform/audit-writer";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { billingSettings, invoiceLines, invoices, type Invoice } from "../../../schema";
import { insertIf } from "./guarded-insert";
import { addDays, documentTermDays } from "./invoice-drafts";
import { DEFAULT_NUMBER_FORMAT, numberExpression, sequenceTaken } from "../settings/document-numbering";
import { orgToday } from "./invoice-reads";

/**
 * A document's life after its draft: finalization (the number), void,
 * uncollectible, and a quote's acceptance or refusal. Each transition is one
 * guarded write in one D1 batch with its audit row, so a racing second
 * request changes nothing and is told so (409).
 */

export interface Acting {
  userId: string | null;
  requestId?: string;
}

async function reread(db: Db, row: Invoice): Promise<Invoice> {
  const fresh = await db.select().from(invoices).where(and(eq(invoices.orgId, row.orgId), eq(invoices.id, row.id))).get();
  if (!fresh) throw conflict(`This ${row.kind} was deleted meanwhile`);
  return fresh;
}

/**
 * Gives the draft the next number of its kind and opens it (a quote: sends
 * it). One batch: make sure the settings row exists, move the counter only
 * while the document is still a draft with lines and a customer, and write the
 * number from that counter only if the counter moved. D1 runs a batch as one
 * transaction and batches one after another, so two finalizations never take
 * the same number and a failed one takes none. A zero total is paid at once.
 */
export async function finalizeInvoice(db: Db, current: Invoice, by: Acting, now = Date.now()): Promise<Invoice> {
  const { orgId, id, kind } = current;
  if (current.status !== "draft") throw conflict(`This ${kind} is already ${current.status} (${current.number ?? "no number"})`);
  const [line] = await db.select({ id: invoiceLines.id }).from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, id))).limit(1);
  if (!line) throw invalid({ lines: [`An empty ${kind} cannot be finalized; add a line`] });
  if (!current.companyId && !current.contactId) throw invalid({ companyId: ["Choose the customer (a company or a contact) first"] });
  const settings = await db.select({ format: billingSettings.invoiceNumberFormat }).from(billingSettings).where(eq(billingSettings.orgId, orgId)).get();
  const issueDate = current.issueDate ?? (await orgToday(db, orgId, now));
  const year = Number(issueDate.slice(0, 4));

  const counter = kind === "quote" ? billingSettings.quoteNextNumber : billingSettings.invoiceNextNumber;
  const ready = sql`EXISTS (SELECT 1 FROM ${invoices} WHERE ${invoices.id} = ${id} AND ${invoices.orgId} = ${orgId} AND ${invoices.status} = 'draft'
    AND (${invoices.companyId} IS NOT NULL OR ${invoices.contactId} IS NOT NULL)
    AND EXISTS (SELECT 1 FROM ${invoiceLines} WHERE ${invoiceLines.orgId} = ${orgId} AND ${invoiceLines.invoiceId} = ${id}))`;
  const paidNow = kind === "invoice" ? sql`${invoices.total} = 0` : sql`0`;
  const results = await db.batch([
    db.insert(billingSettings).values({ orgId, updatedAt: now }).onConflictDoNothing(),
    db
      .update(billingSettings)
      .set({ [kind === "quote" ? "quoteNextNumber" : "invoiceNextNumber"]: sql`${counter} + 1` })
      .where(and(eq(billingSettings.orgId, orgId), ready)),
    db
      .update(invoices)
      .set({
        sequence: sequenceTaken(kind, orgId),
        number: numberExpression(kind, settings?.format ?? DEFAULT_NUMBER_FORMAT, year, orgId),
        status: sql`CASE WHEN ${paidNow} THEN 'paid' ELSE 'open' END`,
        paidAt: sql`CASE WHEN ${paidNow} THEN ${now} ELSE NULL END`,
        amountDue: sql`${invoices.total} - ${invoices.amountPaid}`,
        issueDate,
        finalizedAt: now,
        updatedAt: now,
        updatedBy: by.userId,
      })
      .where(and(eq(invoices.orgId, orgId), eq(invoices.id, id), eq(invoices.status, "draft"), sql`changes() > 0`))
      .returning({ id: invoices.id }),
    auditStatementIf(db, orgId, { actorId: by.userId, action: "finalize", entity: kind, entityId: id, requestId: by.requestId }, sql`changes() > 0`),
  ]);
  const fresh = await reread(db, current);
  if (results[2].length === 0) {
    if (fresh.status !== "draft") throw conflict(`This ${kind} was finalized meanwhile (${fresh.number ?? "no number"})`);
    throw conflict(`This ${kind} changed meanwhile; reload it and try again`);
  }
  return fresh;
}

type Transition = { to: "void" | "uncollectible"; from: "open" };

/** Void (keeps its number; nothing is owed any more) or uncollectible (still owed, written off). */
export async function closeInvoice(db: Db, current: Invoice, { to, from }: Transition, by: Acting, now = Date.now()): Promise<Invoice> {
  if (to === "uncollectible" && current.kind !== "invoice") throw invalid({ kind: ["Only invoices can be marked uncollectible"] });
  if (current.status !== from) throw conflict(`Only ${from} documents can be ${to === "void" ? "voided" : "marked uncollectible"}; this one is ${current.status}`);
  const values = to === "void" ? { status: to, voidedAt: now, amountDue: 0 } : { status: to };
  const [updated] = await db.batch([
    db
      .update(invoices)
      .set({ ...values, updatedAt: now, updatedBy: by.userId })
      .where(and(eq(invoices.orgId, current.orgId), eq(invoices.id, current.id), eq(invoices.status, from)))
      .returning(),
    auditStatementIf(db, current.orgId, { actorId: by.userId, action: to === "void" ? "void" : "mark_uncollectible", entity: current.kind, entityId: current.id, requestId: by.requestId }, sql`changes() > 0`),
  ]);
  if (!updated[0]) throw conflict(`This ${current.kind} changed meanwhile (now ${(await reread(db, current)).status})`);
  return updated[0];
}

export interface Decision {
  accept: boolean;
  /** Who answered: the customer's typed name on the public page, the staff member's name otherwise. */
  name: string | null;
}

/**
 * A customer's (or staff's) answer to an open quote that has not expired.
 * Accepting drafts an invoice from the quote's lines, linked both ways by
 * `quoteId`; the quote's status change, the new invoice, its lines and the
 * audit row are one batch guarded by the quote still being open.
 */
export async function decideQuote(db: Db, quote: Invoice, decision: Decision, by: Acting, now = Date.now()): Promise<{ quote: Invoice; invoice: Invoice | null }> {
  const { orgId } = quote;
  if (quote.kind !== "quote") throw invalid({ kind: ["Only quotes are accepted or declined"] });
  if (quote.status !== "open") throw conflict(`This quote is ${quote.status}; it can no longer be answered`);
  const today = await orgToday(db, orgId, now);
  if (quote.dueDate && quote.dueDate < today) throw conflict(`This quote expired on ${quote.dueDate}`);
  const stillOpen = and(eq(invoices.orgId, orgId), eq(invoices.id, quote.id), eq(invoices.status, "open"));

  if (!decision.accept) {
    const [updated] = await db.batch([
      db.update(invoices).set({ status: "declined", updatedAt: now, updatedBy: by.userId }).where(stillOpen).returning(),
      auditStatementIf(db, orgId, { actorId: by.userId, action: "decline", entity: "quote", entityId: quote.id, changes: { name: decision.name }, requestId: by.requestId }, sql`changes() > 0`),
    ]);
    if (!updated[0]) throw conflict("This quote was answered meanwhile");
    return { quote: updated[0], invoice: null };
  }

  const lines = await db.select().from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, quote.id))).orderBy(asc(invoiceLines.position));
  const invoiceId = newId();
  const drafted = sql`EXISTS (SELECT 1 FROM ${invoices} WHERE ${invoices.id} = ${invoiceId})`;
  const invoice: typeof invoices.$inferInsert = {
    id: invoiceId,
    orgId,
    kind: "invoice",
    status: "draft",
    ownerId: quote.ownerId,
    companyId: quote.companyId,
    contactId: quote.contactId,
    dealId: quote.dealId,
    quoteId: quote.id,
    currency: quote.currency,
    dueDate: addDays(today, await documentTermDays(db, orgId, "invoice")),
    memo: quote.memo,
    subtotal: quote.subtotal,
    discountTotal: quote.discountTotal,
    tax: quote.tax,
    total: quote.total,
    amountDue: quote.total,
    createdBy: by.userId,
    updatedBy: by.userId,
    createdAt: now,
    updatedAt: now,
  };
  const [updated] = await db.batch([
    db
      .update(invoices)
      .set({ status: "accepted", acceptedAt: now, acceptedName: decision.name, quoteId: invoiceId, updatedAt: now, updatedBy: by.userId })
      .where(stillOpen)
      .returning(),
    insertIf(db, invoices, invoice, sql`changes() > 0`),
    ...lines.map(({ id: _id, invoiceId: _from, ...line }) => insertIf(db, invoiceLines, { ...line, id: newId(), invoiceId }, drafted)),
    auditStatementIf(
      db,
      orgId,
      { actorId: by.userId, action: "accept", entity: "quote", entityId: quote.id, changes: { name: decision.name, invoiceId }, requestId: by.requestId },
      drafted,
    ),
  ]);
  if (!updated[0]) throw conflict("This quote was answered meanwhile");
  const created = await db.select().from(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, invoiceId))).get();
  return { quote: updated[0], invoice: created ?? null };
}
