import { and, eq, type SQL } from "drizzle-orm";
import { dealLineItems, invoiceLines, products, type Product } from "../../../schema";
import type { AuthContext } from "../../platform/env";
import type { Db } from "../../platform/db";
import { auditStatement } from "../../platform/audit-writer";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { matchesAny } from "../../platform/like";
import { orderFor, pageOf } from "../../platform/list";
import { changesOf, isUniqueViolation, publicRecord } from "../../platform/records";
import { isCurrency } from "../money";

export type ProductView = Omit<Product, "orgId">;

export interface ProductInput {
  name: string;
  sku: string | null;
  description: string | null;
  unitPrice: number;
  currency: string;
  taxRateBps: number;
  defaultPeriodMonths: number | null;
  active: boolean;
}

export interface ProductQuery {
  page: number;
  perPage: number;
  sort: "name" | "-name" | "unitPrice" | "-unitPrice" | "sku" | "-sku" | "createdAt" | "-createdAt" | "updatedAt" | "-updatedAt";
  q?: string;
  active?: boolean;
  currency?: string;
}

const view = (row: Product): ProductView => publicRecord(row);

const skuTaken = () => conflict("Another product already has this SKU", { sku: ["Already used by another product"] });

function checkCurrency(currency: string | undefined) {
  if (currency !== undefined && !isCurrency(currency)) throw invalid({ currency: ["Not an ISO 4217 currency code"] });
}

export async function listProducts(db: Db, orgId: string, q: ProductQuery) {
  const conditions: (SQL | undefined)[] = [eq(products.orgId, orgId)];
  if (q.active !== undefined) conditions.push(eq(products.active, q.active));
  if (q.currency) conditions.push(eq(products.currency, q.currency));
  if (q.q) conditions.push(matchesAny(q.q, [products.name, products.sku, products.description]));
  const order = orderFor(q.sort, { name: products.name, unitPrice: products.unitPrice, sku: products.sku, createdAt: products.createdAt, updatedAt: products.updatedAt }, products.id);
  const page = await pageOf<Product>(db, products, conditions, order, q.page, q.perPage);
  return { rows: page.rows.map(view), total: page.total };
}

export async function findProduct(db: Db, orgId: string, id: string): Promise<Product | undefined> {
  return db.select().from(products).where(and(eq(products.orgId, orgId), eq(products.id, id))).get();
}

export async function getProduct(db: Db, orgId: string, id: string): Promise<ProductView> {
  const row = await findProduct(db, orgId, id);
  if (!row) throw notFound("Product");
  return view(row);
}

export async function createProduct(db: Db, auth: AuthContext, input: Partial<ProductInput> & Pick<ProductInput, "name" | "unitPrice" | "currency">, requestId?: string) {
  checkCurrency(input.currency);
  const now = Date.now();
  const row: Product = {
    id: newId(),
    orgId: auth.orgId,
    name: input.name,
    sku: input.sku || null,
    description: input.description || null,
    unitPrice: input.unitPrice,
    currency: input.currency,
    taxRateBps: input.taxRateBps ?? 0,
    defaultPeriodMonths: input.defaultPeriodMonths ?? null,
    active: input.active ?? true,
    createdBy: auth.userId,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await db.batch([
      db.insert(products).values(row),
      auditStatement(db, auth.orgId, { actorId: auth.userId, action: "create", entity: "product", entityId: row.id, changes: { name: row.name, sku: row.sku, unitPrice: row.unitPrice, currency: row.currency }, requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw skuTaken();
    throw err;
  }
  return view(row);
}

export async function updateProduct(db: Db, auth: AuthContext, id: string, patch: Partial<ProductInput>, requestId?: string) {
  checkCurrency(patch.currency);
  const current = await findProduct(db, auth.orgId, id);
  if (!current) throw notFound("Product");
  const normalized: Partial<ProductInput> = { ...patch };
  if (patch.sku !== undefined) normalized.sku = patch.sku || null;
  if (patch.description !== undefined) normalized.description = patch.description || null;
  const next: Product = { ...current, ...normalized, updatedAt: Date.now() };
  const changes = changesOf(current, normalized);
  if (!Object.keys(changes).length) return view(current);
  try {
    await db.batch([
      db.update(products).set({ ...normalized, updatedAt: next.updatedAt }).where(and(eq(products.orgId, auth.orgId), eq(products.id, id))),
      auditStatement(db, auth.orgId, { actorId: auth.userId, action: "update", entity: "product", entityId: id, changes, requestId }),
    ]);
  } catch (err) {
    if (isUniqueViolation(err)) throw skuTaken();
    throw err;
  }
  return view(next);
}

/**
 * A product no line names is deleted. One that a deal, quote or invoice line
 * names is archived instead (active = false): the lines keep their copied
 * name and price either way, but reports group revenue by product id, so the
 * row stays for them.
 */
export async function removeProduct(db: Db, auth: AuthContext, id: string, requestId?: string): Promise<{ archived: boolean }> {
  const current = await findProduct(db, auth.orgId, id);
  if (!current) throw notFound("Product");
  const [onDeal, onInvoice] = await Promise.all([
    db.select({ id: dealLineItems.id }).from(dealLineItems).where(and(eq(dealLineItems.orgId, auth.orgId), eq(dealLineItems.productId, id))).limit(1).get(),
    db.select({ id: invoiceLines.id }).from(invoiceLines).where(and(eq(invoiceLines.orgId, auth.orgId), eq(invoiceLines.productId, id))).limit(1).get(),
  ]);
  const where = and(eq(products.orgId, auth.orgId), eq(products.id, id));
  if (onDeal || onInvoice) {
    await db.batch([
      db.update(products).set({ active: false, updatedAt: Date.now() }).where(where),
      auditStatement(db, auth.orgId, { actorId: auth.userId, action: "archive", entity: "product", entityId: id, changes: { active: { from: current.active, to: false } }, requestId }),
    ]);
    return { archived: true };
  }
  await db.batch([db.delete(products).where(where), auditStatement(db, auth.orgId, { actorId: auth.userId, action: "delete", entity: "product", entityId: id, requestId })]);
  return { archived: false };
}
