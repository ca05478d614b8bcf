import { eq } from "drizzle-orm";
import { expect } from "vitest";
import * as schema from "../../../schema";
import { newId, randomToken, sha256 } from "../../../worker/platform/ids";
import { api, type Account } from "../../helpers";
import { create, insertDeal, testDb } from "../../record-helpers";

const eqId = (id: string) => eq(schema.invoices.id, id);

/** A company to bill, made through the API. */
export const billedCompany = (owner: Account, name = "Acme Industries") => create("/api/companies", owner.token, { name });

/** A deal in the organization's default pipeline, written as the room would. */
export async function dealFor(owner: Account, fields: Partial<typeof schema.deals.$inferInsert> = {}) {
  const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
  return insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, currency: "USD", ...fields });
}

/** Line items on a deal, written straight into `deal_line_items` (their schema is fixed; their API is another part's). */
export async function dealLines(orgId: string, dealId: string, lines: { description: string; quantity: number; unitPrice: number; discountBps?: number; taxRateBps?: number; currency?: string }[]) {
  const now = Date.now();
  await testDb()
    .insert(schema.dealLineItems)
    .values(lines.map((l, position) => ({ id: newId(), orgId, dealId, position, currency: l.currency ?? "USD", discountBps: 0, taxRateBps: 0, updatedAt: now, ...l })));
}

export const oneLine = (unitPrice = 10_000, fields: Record<string, unknown> = {}) => [{ description: "Consulting", quantity: 1, unitPrice, ...fields }];

/** A draft with one line for a new company; answers the created document. */
export async function draft(owner: Account, body: Record<string, unknown> = {}) {
  const companyId = body.companyId ?? (await billedCompany(owner)).id;
  const res = await api("/api/financial/invoices", { token: owner.token, body: { currency: "USD", companyId, lines: oneLine(), ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

export async function finalize(owner: Account, id: string) {
  const res = await api(`/api/financial/invoices/${id}/finalize`, { method: "POST", token: owner.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

/** Gives a document a customer link, as "Send" or "Copy link" does, and answers the token. */
export async function publicLink(documentId: string): Promise<string> {
  const token = randomToken();
  await testDb().update(schema.invoices).set({ publicTokenHash: await sha256(token) }).where(eqId(documentId));
  return token;
}

export async function invoiceRow(id: string) {
  return testDb().select().from(schema.invoices).where(eqId(id)).get();
}
