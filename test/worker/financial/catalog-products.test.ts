import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { addMember, api, expectError, registerAccount, unique } from "../../helpers";
import { auditActions, create, testDb } from "../../record-helpers";

const product = (token: string, body: Record<string, unknown> = {}) =>
  create("/api/financial/products", token, { name: "Annual plan", unitPrice: 120000, currency: "EUR", taxRateBps: 1900, ...body });

const productRows = (orgId: string) => testDb().select().from(schema.products).where(eq(schema.products.orgId, orgId));

describe("product catalog", () => {
  it("creates, reads, changes and lists products, searching and filtering", async () => {
    const owner = await registerAccount("cat");
    const sku = unique("SKU");
    const plan = await product(owner.token, { sku, defaultPeriodMonths: 12, description: "Hosted, billed yearly" });
    expect(plan).toMatchObject({ name: "Annual plan", sku, unitPrice: 120000, currency: "EUR", taxRateBps: 1900, defaultPeriodMonths: 12, active: true, createdBy: owner.userId });
    expect(plan.orgId).toBeUndefined();
    await product(owner.token, { name: "Onboarding day", unitPrice: 90000, taxRateBps: 0 });
    await product(owner.token, { name: "Yen support", unitPrice: 50000, currency: "JPY" });

    const got = await api(`/api/financial/products/${plan.id}`, { token: owner.token });
    expect(got.body.data).toEqual(plan);

    const patched = await api(`/api/financial/products/${plan.id}`, { method: "PATCH", token: owner.token, body: { unitPrice: 130000, active: false } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.data).toMatchObject({ unitPrice: 130000, active: false });
    expect(await auditActions(owner.token, "product", plan.id)).toEqual(["update", "create"]);

    const all = await api("/api/financial/products?sort=-unitPrice", { token: owner.token });
    expect(all.body.meta.total).toBe(3);
    expect(all.body.data.map((p: { name: string }) => p.name)).toEqual(["Annual plan", "Onboarding day", "Yen support"]);
    const active = await api("/api/financial/products?active=true", { token: owner.token });
    expect(active.body.data.map((p: { name: string }) => p.name)).toEqual(["Onboarding day", "Yen support"]);
    const yen = await api("/api/financial/products?currency=JPY", { token: owner.token });
    expect(yen.body.data.map((p: { name: string }) => p.name)).toEqual(["Yen support"]);
    const search = await api(`/api/financial/products?q=${encodeURIComponent("yearly")}`, { token: owner.token });
    expect(search.body.data.map((p: { id: string }) => p.id)).toEqual([plan.id]);
    const paged = await api("/api/financial/products?per_page=2&page=2", { token: owner.token });
    expect(paged.body.data).toHaveLength(1);
    expect(paged.body.meta).toEqual({ page: 2, per_page: 2, total: 3 });
  });

  it("refuses bad input with 400 and writes nothing", async () => {
    const owner = await registerAccount("catbad");
    const bad: Record<string, unknown>[] = [
      { name: "X", unitPrice: 100, currency: "XYZ" },
      { name: "X", unitPrice: 100, currency: "eur" },
      { name: "X", unitPrice: -1, currency: "EUR" },
      { name: "X", unitPrice: 1.5, currency: "EUR" },
      { name: "X", unitPrice: 100, currency: "EUR", taxRateBps: 10_001 },
      { name: "X", unitPrice: 100, currency: "EUR", taxRateBps: -1 },
      { name: "X", unitPrice: 100, currency: "EUR", defaultPeriodMonths: 0 },
      { name: "X", unitPrice: 100, currency: "EUR", defaultPeriodMonths: 121 },
      { name: "", unitPrice: 100, currency: "EUR" },
      { unitPrice: 100, currency: "EUR" },
      { name: "X", unitPrice: "100", currency: "EUR" },
      { name: "X", unitPrice: 100, currency: "EUR", orgId: "other" },
    ];
    for (const body of bad) expectError(await api("/api/financial/products", { token: owner.token, body }), 400, "validation_error");
    const plan = await product(owner.token);
    expectError(await api(`/api/financial/products/${plan.id}`, { method: "PATCH", token: owner.token, body: { currency: "ABC" } }), 400, "validation_error");
    expectError(await api("/api/financial/products?sort=price", { token: owner.token }), 400, "validation_error");
    expect(await productRows(owner.orgId)).toEqual([{ ...plan, orgId: owner.orgId }]);
  });

  it("keeps SKUs unique within an organization (409), but not across organizations", async () => {
    const owner = await registerAccount("catsku");
    const sku = unique("SKU");
    const first = await product(owner.token, { sku });
    expectError(await api("/api/financial/products", { token: owner.token, body: { name: "Copy", unitPrice: 1, currency: "EUR", sku } }), 409, "conflict");
    const second = await product(owner.token, { name: "Other", sku: unique("SKU") });
    expectError(await api(`/api/financial/products/${second.id}`, { method: "PATCH", token: owner.token, body: { sku } }), 409, "conflict");
    expect((await productRows(owner.orgId)).map((p) => p.sku).sort()).toEqual([first.sku, second.sku].sort());
    const other = await registerAccount("catsku2");
    await product(other.token, { sku });
    // Products without a SKU never collide.
    await product(owner.token, { sku: null });
    await product(owner.token, { sku: "" });
  });

  it("deletes an unused product and archives one a line uses", async () => {
    const owner = await registerAccount("catdel");
    const unused = await product(owner.token, { name: "Unused" });
    const del = await api(`/api/financial/products/${unused.id}`, { method: "DELETE", token: owner.token });
    expect(del.status).toBe(200);
    expect(del.body.data).toEqual({ archived: false });
    expectError(await api(`/api/financial/products/${unused.id}`, { token: owner.token }), 404, "not_found");

    const used = await product(owner.token, { name: "Used" });
    await testDb().insert(schema.dealLineItems).values({
      id: newId(), orgId: owner.orgId, dealId: newId(), currency: "EUR", position: 0, productId: used.id, description: "Used", quantity: 1, unitPrice: 120000, updatedAt: Date.now(),
    });
    const archived = await api(`/api/financial/products/${used.id}`, { method: "DELETE", token: owner.token });
    expect(archived.body.data).toEqual({ archived: true });
    expect(archived.body.message).toMatch(/archived/i);
    const row = await testDb().select().from(schema.products).where(and(eq(schema.products.orgId, owner.orgId), eq(schema.products.id, used.id))).get();
    expect(row?.active).toBe(false);
    expect(await auditActions(owner.token, "product", used.id)).toEqual(["archive", "create"]);
    expect(await auditActions(owner.token, "product", unused.id)).toEqual(["delete", "create"]);
  });

  it("lets every role read the catalog but only billing managers change it; refusals write nothing", async () => {
    const owner = await registerAccount("catrole");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const plan = await product(owner.token);
    for (const who of [viewer, agent]) {
      expect((await api("/api/financial/products", { token: who.token })).body.data).toHaveLength(1);
      expect((await api(`/api/financial/products/${plan.id}`, { token: who.token })).status).toBe(200);
      expectError(await api("/api/financial/products", { token: who.token, body: { name: "X", unitPrice: 1, currency: "EUR" } }), 403, "forbidden");
      expectError(await api(`/api/financial/products/${plan.id}`, { method: "PATCH", token: who.token, body: { unitPrice: 1 } }), 403, "forbidden");
      expectError(await api(`/api/financial/products/${plan.id}`, { method: "DELETE", token: who.token }), 403, "forbidden");
    }
    expect(await productRows(owner.orgId)).toEqual([{ ...plan, orgId: owner.orgId }]);
    expect(await auditActions(owner.token, "product", plan.id)).toEqual(["create"]);
    await product(manager.token, { name: "By the manager" });
  });

  it("answers 404 for another organization's product, changing nothing", async () => {
    const owner = await registerAccount("cattn");
    const stranger = await registerAccount("cattn2");
    const plan = await product(owner.token);
    expectError(await api(`/api/financial/products/${plan.id}`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/financial/products/${plan.id}`, { method: "PATCH", token: stranger.token, body: { unitPrice: 1 } }), 404, "not_found");
    expectError(await api(`/api/financial/products/${plan.id}`, { method: "DELETE", token: stranger.token }), 404, "not_found");
    expect((await api("/api/financial/products", { token: stranger.token })).body.data).toEqual([]);
    expect(await productRows(owner.orgId)).toEqual([{ ...plan, orgId: owner.orgId }]);
  });

  it("needs a token", async () => {
    expectError(await api("/api/financial/products"), 401, "unauthorized");
  });
});
