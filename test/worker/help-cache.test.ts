import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, registerAccount } from "../helpers";
import { create } from "../record-helpers";

const KB = "/api/support/knowledge-base";

const published = (token: string, body: Record<string, unknown>) => create(`${KB}/articles`, token, { ...body, status: "published" });
const orgSlug = async (token: string) => (await api("/api/organizations/current", { token })).body.data.slug as string;

describe("help center cache", () => {
  it("serves the front page from KV and drops it when the knowledge base changes", async () => {
    const owner = await registerAccount("helpcache");
    const slug = await orgSlug(owner.token);
    const cat = await create(`${KB}/categories`, owner.token, { name: "Billing" });
    await published(owner.token, { title: "Pay an invoice", body: "Open the invoice and pay.", categoryId: cat.id });
    const first = await api(`/api/help/${slug}`);
    expect(first.body.data.categories.map((c: { name: string }) => c.name)).toEqual(["Billing"]);
    expect(await env.CACHE.get(`help:home:${owner.orgId}`, "json")).toMatchObject({ categories: [{ name: "Billing" }] });

    // A change behind the API's back is not seen while the entry lives: the page really comes from KV.
    await env.DB.prepare("UPDATE kb_categories SET name = 'Renamed directly' WHERE id = ?").bind(cat.id).run();
    expect((await api(`/api/help/${slug}`)).body.data.categories[0].name).toBe("Billing");

    // Any write through the API drops the entry.
    await api(`${KB}/categories/${cat.id}`, { method: "PATCH", token: owner.token, body: { name: "Payments" } });
    expect(await env.CACHE.get(`help:home:${owner.orgId}`)).toBeNull();
    expect((await api(`/api/help/${slug}`)).body.data.categories[0].name).toBe("Payments");
  });
});
