import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedKnowledgeBase } from "../../../scripts/seed-kb.mjs";
import { api, expectError, registerAccount } from "../../helpers";
import { create } from "../../record-helpers";
import { KB, article, published, orgSlug, HOSTILE } from "./kb-helpers";

describe("public help center", () => {
  it("shows an organization's published articles and nothing else", async () => {
    const owner = await registerAccount("help");
    const other = await registerAccount("help2");
    const slug = await orgSlug(owner);
    const otherSlug = await orgSlug(other);
    const cat = await create(`${KB}/categories`, owner.token, { name: "Getting started", description: "First steps" });
    await create(`${KB}/categories`, owner.token, { name: "Empty" });
    const live = await published(owner.token, { title: "Import your contacts", body: "Upload a **CSV** file.", categoryId: cat.id, tags: ["csv"] });
    await article(owner.token, { title: "Import secrets (draft)", body: "Not yet." });
    await published(other.token, { title: "Other org import", body: "Theirs." });

    const home = await api(`/api/help/${slug}`);
    expect(home.status).toBe(200);
    expect(home.body.data.organization).toEqual({ name: "help org", slug });
    expect(home.body.data.categories.map((c: { name: string; articleCount: number }) => [c.name, c.articleCount])).toEqual([["Getting started", 1]]);

    const listed = await api(`/api/help/${slug}/articles`);
    expect(listed.body.data.map((a: { title: string }) => a.title)).toEqual(["Import your contacts"]);
    expect(listed.body.data[0]).toMatchObject({ url: `/help/${slug}/articles/import-your-contacts`, excerpt: "Upload a CSV file." });
    expect(listed.body.data[0]).not.toHaveProperty("authorId");
    const searched = await api(`/api/help/${slug}/articles?q=impor`);
    expect(searched.body.data.map((a: { title: string }) => a.title)).toEqual(["Import your contacts"]);
    expect((await api(`/api/help/${slug}/articles?category=getting-started`)).body.data).toHaveLength(1);
    expect((await api(`/api/help/${slug}/articles?category=nope`)).body.data).toEqual([]);

    const got = await api(`/api/help/${slug}/articles/import-your-contacts`);
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id: live.id, title: "Import your contacts", category: { slug: "getting-started" }, tags: ["csv"] });
    expect(got.body.data.html).toContain("<strong>CSV</strong>");
    expect(got.body.data).not.toHaveProperty("body");

    expectError(await api(`/api/help/${slug}/articles/import-secrets-draft`), 404, "not_found");
    expectError(await api(`/api/help/${slug}/articles/other-org-import`), 404, "not_found");
    expectError(await api(`/api/help/${otherSlug}/articles/import-your-contacts`), 404, "not_found");
    expectError(await api(`/api/help/no-such-org-${Date.now()}`), 404, "not_found");
    expectError(await api(`/api/help/no-such-org-${Date.now()}/articles`), 404, "not_found");

    const suggested = await api(`/api/help/${slug}/suggest?text=${encodeURIComponent("How do I import contacts from a spreadsheet?")}`);
    expect(suggested.body.data.map((a: { title: string }) => a.title)).toEqual(["Import your contacts"]);

    expect((await api(`/api/help/${slug}/articles/import-your-contacts/feedback`, { body: { helpful: true } })).status).toBe(200);
    const counted = await api(`${KB}/articles/${live.id}`, { token: owner.token });
    expect(counted.body.data).toMatchObject({ viewCount: 1, helpfulCount: 1, notHelpfulCount: 0 });
    expectError(await api(`/api/help/${slug}/articles/import-your-contacts/feedback`, { body: { helpful: "very" } }), 400, "validation_error");

    await api(`${KB}/articles/${live.id}/unpublish`, { method: "POST", token: owner.token });
    expectError(await api(`/api/help/${slug}/articles/import-your-contacts`), 404, "not_found");
    expect((await api(`/api/help/${slug}/articles?q=import`)).body.data).toEqual([]);
  });

  it("never answers 500 to hostile searches and limits how often one client writes", async () => {
    const owner = await registerAccount("helprl");
    const slug = await orgSlug(owner);
    await published(owner.token, { title: "Reset your password", body: "Use the reset link." });
    for (const q of HOSTILE.slice(0, 10)) {
      expect((await api(`/api/help/${slug}/articles?q=${encodeURIComponent(q)}`)).status, q).toBe(200);
      expect((await api(`/api/help/${slug}/suggest?text=${encodeURIComponent(q)}`)).status, q).toBe(200);
    }
    const headers = { "cf-connecting-ip": "203.0.113.77" };
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) {
      statuses.push((await api(`/api/help/${slug}/articles/reset-your-password/feedback`, { body: { helpful: false }, headers })).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    const limited = await api(`/api/help/${slug}/articles/reset-your-password/feedback`, { body: { helpful: false }, headers });
    expectError(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Another client is unaffected.
    const fresh = await api(`/api/help/${slug}/articles/reset-your-password/feedback`, { body: { helpful: false }, headers: { "cf-connecting-ip": "203.0.113.78" } });
    expect(fresh.status).toBe(200);
  });

  it("opens a web ticket from the contact form, linked to the matching contact", async () => {
    const owner = await registerAccount("helptk");
    const slug = await orgSlug(owner);
    const contact = await create("/api/contacts", owner.token, { firstName: "Grace", lastName: "Hopper", email: "grace@navy.example" });
    const headers = { "cf-connecting-ip": "198.51.100.9" };
    const form = { name: "Grace Hopper", email: "Grace@Navy.example", subject: "Cannot reset my password", message: "The reset email never arrives." };
    const res = await api(`/api/help/${slug}/tickets`, { body: form, headers });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toEqual({ number: expect.any(Number), subject: "Cannot reset my password" });

    const tickets = await api("/api/support/tickets", { token: owner.token });
    expect(tickets.status).toBe(200);
    expect(tickets.body.data).toHaveLength(1);
    expect(tickets.body.data[0]).toMatchObject({ subject: "Cannot reset my password", channel: "web", contactId: contact.id });

    const bad = await api(`/api/help/${slug}/tickets`, { body: { name: "", email: "nope", subject: "x", message: "short", extra: 1 }, headers });
    expectError(bad, 400, "validation_error");
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(["name", "email", "subject", "message"]));
    expectError(await api(`/api/help/no-such-org-${Date.now()}/tickets`, { body: form, headers }), 404, "not_found");

    for (let i = 0; i < 4; i++) expect((await api(`/api/help/${slug}/tickets`, { body: form, headers })).status).toBe(201);
    expectError(await api(`/api/help/${slug}/tickets`, { body: form, headers }), 429, "rate_limited");
    expect((await api("/api/support/tickets", { token: owner.token })).body.data).toHaveLength(5);
  });

  it("serves the demo knowledge base seeded through the API", async () => {
    const owner = await registerAccount("helpdemo");
    const seeded = await seedKnowledgeBase(async (path, body) => {
      const res = await api(path, { token: owner.token, body });
      expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
      return res.body.data;
    });
    expect(seeded).toEqual({ categories: 4, articles: 12 });
    const slug = await orgSlug(owner);
    const home = await api(`/api/help/${slug}`);
    expect(home.body.data.categories.map((c: { articleCount: number }) => c.articleCount)).toEqual([3, 3, 3, 3]);
    const suggested = await api(`/api/help/${slug}/suggest?text=${encodeURIComponent("I can't log in, I forgot my password")}`);
    expect(suggested.body.data[0].title).toBe("Reset your password");
    const linked = await api(`/api/help/${slug}/articles/too-many-sign-in-attempts`);
    expect(linked.body.data.html).toContain('<a href="./reset-your-password">reset it</a>');
  });
});

describe("help center cache", () => {
  it("serves the front page from KV and drops it when the knowledge base changes", async () => {
    const owner = await registerAccount("helpcache");
    const slug = await orgSlug(owner);
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
