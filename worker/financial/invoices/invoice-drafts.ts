import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { assertLink, assertOwner, requireVisible, type Actor } from "../../platform/records";
import { billingSettings, companies, contacts, deals, invoiceLines, invoices, type Invoice, type InvoiceKind } from "../../../schema";
import { isCurrency, toMinor } from "../money";
import { insertIf } from "./guarded-insert";
import { dealLinesAsInput, priceLines, type PricedLine } from "./invoice-lines";
import { orgToday, requireInvoice } from "./invoice-reads";
import type { LineInput } from "../catalog/line-input";

type Deal = typeof deals.$inferSelect;

/**
 * Drafts: creating a document (from a deal's lines or from lines given),
 * editing it while it is a draft, deleting it. A finalized document's lines
 * and customer are frozen: every edit of a non-draft answers 409.
 */

export interface CreateInvoiceInput {
  kind: InvoiceKind;
  fromDealId?: string;
  companyId?: string | null;
  contactId?: string | null;
  dealId?: string | null;
  ownerId?: string | null;
  currency?: string;
  issueDate?: string | null;
  dueDate?: string | null;
  memo?: string | null;
  lines?: LineInput[];
}

export type UpdateInvoiceInput = Partial<Omit<CreateInvoiceInput, "kind" | "fromDealId" | "lines">> & { lines?: LineInput[] };

/** Days until an invoice is due, or a quote's validity, from the organization's billing settings (30 until set). */
export async function documentTermDays(db: Db, orgId: string, kind: InvoiceKind): Promise<number> {
  const row = await db
    .select({ due: billingSettings.defaultDueDays, valid: billingSettings.quoteValidDays })
    .from(billingSettings)
    .where(eq(billingSettings.orgId, orgId))
    .get();
  return (kind === "quote" ? row?.valid : row?.due) ?? 30;
}

/** "YYYY-MM-DD" plus whole days, on the calendar (no time zone involved). */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function assertDates(issueDate: string | null | undefined, dueDate: string | null | undefined) {
  for (const [field, value] of [["issueDate", issueDate], ["dueDate", dueDate]] as const) {
    if (value && addDays(value, 0) !== value) throw invalid({ [field]: ["Not a calendar date"] });
  }
  if (issueDate && dueDate && dueDate < issueDate) throw invalid({ dueDate: ["Before the issue date"] });
}

async function assertLinks(db: Db, actor: Actor, values: { companyId?: string | null; contactId?: string | null; dealId?: string | null }) {
  await Promise.all([
    assertLink(db, companies, actor.orgId, actor, values.companyId, "companyId"),
    assertLink(db, contacts, actor.orgId, actor, values.contactId, "contactId"),
    assertLink(db, deals, actor.orgId, actor, values.dealId, "dealId"),
  ]);
}

const lineRows = (orgId: string, invoiceId: string, lines: PricedLine[]) => lines.map((l) => ({ ...l, orgId, invoiceId }));

/** D1 binds at most 100 values per statement: 6 lines of 15 columns each fit. */
const LINES_PER_INSERT = 6;

function lineInserts(db: Db, rows: ReturnType<typeof lineRows>) {
  const inserts = [];
  for (let i = 0; i < rows.length; i += LINES_PER_INSERT) inserts.push(db.insert(invoiceLines).values(rows.slice(i, i + LINES_PER_INSERT)));
  return inserts;
}

/** Where a new document's lines come from: those given, else the deal's line items, else the deal's amount as one line. */
async function linesFor(db: Db, orgId: string, input: CreateInvoiceInput, deal: Deal | null, currency: string): Promise<LineInput[]> {
  if (input.lines) return input.lines;
  if (!deal) return [];
  const copied = await dealLinesAsInput(db, orgId, deal.id);
  if (copied.length || deal.amount <= 0 || deal.currency !== currency) return copied;
  return [{ description: deal.title, quantity: 1, unitPrice: toMinor(deal.amount, currency), discountBps: 0 }];
}

export async function createInvoice(db: Db, actor: Actor, input: CreateInvoiceInput): Promise<Invoice> {
  const orgId = actor.orgId;
  const deal = input.fromDealId
    ? await requireVisible<Deal>(db, deals, orgId, actor, input.fromDealId, "Deal").catch(() => {
        throw invalid({ fromDealId: ["No such deal in this organization"] });
      })
    : null;
  const currency = input.currency ?? deal?.currency;
  if (!currency) throw invalid({ currency: ["Required unless the document is made from a deal"] });
  if (!isCurrency(currency)) throw invalid({ currency: ["Not a currency this system knows"] });
  const links = {
    companyId: input.companyId !== undefined ? input.companyId : (deal?.companyId ?? null),
    contactId: input.contactId !== undefined ? input.contactId : (deal?.contactId ?? null),
    dealId: input.dealId !== undefined ? input.dealId : (deal?.id ?? null),
  };
  await assertLinks(db, actor, links);
  if (input.ownerId !== undefined) await assertOwner(db, orgId, actor, input.ownerId);
  const ownerId = input.ownerId ?? deal?.ownerId ?? actor.userId;
  const issueDate = input.issueDate ?? null;
  const dueDate = input.dueDate !== undefined ? input.dueDate : addDays(issueDate ?? (await orgToday(db, orgId)), await documentTermDays(db, orgId, input.kind));
  assertDates(issueDate, dueDate);
  const { lines, totals } = await priceLines(db, orgId, currency, await linesFor(db, orgId, input, deal, currency));

  const now = Date.now();
  const row: typeof invoices.$inferInsert & { id: string } = {
    id: newId(),
    orgId,
    kind: input.kind,
    status: "draft",
    ownerId,
    ...links,
    quoteId: null,
    currency,
    issueDate,
    dueDate,
    memo: input.memo?.trim() || null,
    subtotal: totals.subtotal,
    discountTotal: totals.discountTotal,
    tax: totals.tax,
    total: totals.total,
    amountDue: totals.total,
    createdBy: actor.userId,
    updatedBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  const [[created]] = await db.batch([
    db.insert(invoices).values(row).returning(),
    ...lineInserts(db, lineRows(orgId, row.id, lines)),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "create",
      entity: input.kind,
      entityId: row.id,
      changes: { fromDealId: deal?.id ?? null, currency, total: totals.total, lines: lines.length },
      requestId: actor.requestId,
    }),
  ]);
  return created!;
}

/**
 * Changes a draft. The update is guarded by the draft status and the version
 * read; the lines are replaced only if that update took effect (their
 * statements check the version the update wrote), all in one batch.
 */
export async function updateInvoice(db: Db, actor: Actor, id: string, input: UpdateInvoiceInput): Promise<Invoice> {
  const orgId = actor.orgId;
  const current = await requireInvoice(db, actor, id);
  if (current.status !== "draft") throw conflict(`This ${current.kind} is ${current.status}; only drafts can be edited`);
  await assertLinks(db, actor, input);
  if (input.ownerId !== undefined) await assertOwner(db, orgId, actor, input.ownerId, current.ownerId);
  const currency = input.currency ?? current.currency;
  if (!isCurrency(currency)) throw invalid({ currency: ["Not a currency this system knows"] });
  const issueDate = input.issueDate !== undefined ? input.issueDate : current.issueDate;
  const dueDate = input.dueDate !== undefined ? input.dueDate : current.dueDate;
  assertDates(issueDate, dueDate);

  const existing =
    input.lines === undefined && input.currency !== undefined && input.currency !== current.currency
      ? await db.select().from(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, id)))
      : null;
  const lineInput: LineInput[] | undefined =
    input.lines ??
    existing?.map((l) => ({
      productId: l.productId,
      description: l.description,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      discountBps: l.discountBps,
      taxRateBps: l.taxRateBps,
      periodStart: l.periodStart,
      periodEnd: l.periodEnd,
    }));
  const priced = lineInput ? await priceLines(db, orgId, currency, lineInput) : null;

  const now = Math.max(Date.now(), current.updatedAt + 1);
  const values: Partial<Invoice> = {
    ...(input.companyId !== undefined ? { companyId: input.companyId } : {}),
    ...(input.contactId !== undefined ? { contactId: input.contactId } : {}),
    ...(input.dealId !== undefined ? { dealId: input.dealId } : {}),
    ...(input.ownerId !== undefined ? { ownerId: input.ownerId ?? actor.userId } : {}),
    currency,
    issueDate,
    dueDate,
    ...(input.memo !== undefined ? { memo: input.memo?.trim() || null } : {}),
    ...(priced ? { ...priced.totals, amountDue: priced.totals.total } : {}),
    updatedBy: actor.userId,
    updatedAt: now,
  };
  const applied = sql`EXISTS (SELECT 1 FROM ${invoices} WHERE ${invoices.id} = ${id} AND ${invoices.status} = 'draft' AND ${invoices.updatedAt} = ${now} AND ${invoices.updatedBy} = ${actor.userId})`;
  const [updated] = await db.batch([
    db
      .update(invoices)
      .set(values)
      .where(and(eq(invoices.orgId, orgId), eq(invoices.id, id), eq(invoices.status, "draft"), eq(invoices.updatedAt, current.updatedAt)))
      .returning(),
    ...(priced
      ? [
          db.delete(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, id), applied)),
          ...lineRows(orgId, id, priced.lines).map((line) => insertIf(db, invoiceLines, line, applied)),
        ]
      : []),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "update",
        entity: current.kind,
        entityId: id,
        changes: { ...Object.fromEntries(Object.keys(input).map((k) => [k, k === "lines" ? priced?.lines.length : (input as Record<string, unknown>)[k]])) },
        requestId: actor.requestId,
      },
      applied,
    ),
  ]);
  if (!updated[0]) throw conflict(`This ${current.kind} changed meanwhile or is no longer a draft; reload it`);
  return updated[0];
}

export async function deleteInvoice(db: Db, actor: Actor, id: string): Promise<Invoice> {
  const orgId = actor.orgId;
  const current = await requireInvoice(db, actor, id);
  if (current.status !== "draft") throw conflict(`This ${current.kind} is ${current.status}; only drafts can be deleted (void it instead)`);
  const isDraft = sql`EXISTS (SELECT 1 FROM ${invoices} WHERE ${invoices.id} = ${id} AND ${invoices.orgId} = ${orgId} AND ${invoices.status} = 'draft')`;
  const [, removed] = await db.batch([
    db.delete(invoiceLines).where(and(eq(invoiceLines.orgId, orgId), eq(invoiceLines.invoiceId, id), isDraft)),
    db.delete(invoices).where(and(eq(invoices.orgId, orgId), eq(invoices.id, id), eq(invoices.status, "draft"))).returning({ id: invoices.id }),
    auditStatementIf(db, orgId, { actorId: actor.userId, action: "delete", entity: current.kind, entityId: id, requestId: actor.requestId }, sql`changes() > 0`),
  ]);
  if (!removed[0]) throw conflict(`This ${current.kind} is no longer a draft`);
  return current;
}
