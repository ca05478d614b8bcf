import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create, ids, insertDeal, restrictToOwnRecords } from "../../record-helpers";

describe("companies", () => {
  it("creates, reads, updates and deletes a company with the contract fields", async () => {
    const owner = await registerAccount("co");
    const created = await create("/api/companies", owner.token, {
      name: "Acme Corp",
      domain: "HTTPS://www.Acme.COM/about",
      industry: "Manufacturing",
      size: "51-200",
      phone: "(415) 555-0132",
      website: "acme.com",
      address: "1 Main St",
      tags: ["vip", "vip", "q3"],
    });
    expect(created).toMatchObject({
      name: "Acme Corp",
      domain: "acme.com",
      phone: "+14155550132",
      website: "https://acme.com",
      ownerId: owner.userId,
      tags: ["vip", "q3"],
      createdBy: owner.userId,
      updatedBy: owner.userId,
    });
    expect(created.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(created).not.toHaveProperty("orgId");

    const got = await api(`/api/companies/${created.id}`, { token: owner.token });
    expect(got.body.data).toMatchObject({ id: created.id, name: "Acme Corp", counts: { contacts: 0, deals: 0 } });

    const patched = await api(`/api/companies/${created.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { name: "Acme Inc", industry: null },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({ name: "Acme Inc", industry: null, domain: "acme.com" });
    expect(patched.body.data.updatedAt).toBeGreaterThanOrEqual(created.updatedAt);

    expect((await api(`/api/companies/${created.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/companies/${created.id}`, { token: owner.token }), 404, "not_found");
    expect(await auditActions(owner.token, "company", created.id)).toEqual(["delete", "update", "create"]);
  });

  it("derives the domain from the website when none is given", async () => {
    const owner = await registerAccount("codom");
    const c = await create("/api/companies", owner.token, { name: "Globex", website: "http://www.globex.io/home" });
    expect(c.domain).toBe("globex.io");
  });

  it("counts the company's contacts and deals", async () => {
    const owner = await registerAccount("cocount");
    const co = await create("/api/companies", owner.token, { name: "Counted" });
    await create("/api/contacts", owner.token, { firstName: "A", companyId: co.id });
    await create("/api/contacts", owner.token, { firstName: "B", companyId: co.id });
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, companyId: co.id });
    const got = await api(`/api/companies/${co.id}`, { token: owner.token });
    expect(got.body.data.counts).toEqual({ contacts: 2, deals: 1 });
  });

  it("answers validation errors naming each bad field", async () => {
    const owner = await registerAccount("coval");
    const res = await api("/api/companies", {
      token: owner.token,
      body: { name: "", domain: "not a domain", phone: "12", website: "ftp://x", tags: ["x".repeat(41)], extra: 1 },
    });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details)).toEqual(expect.arrayContaining(["name", "tags.0"]));
    const normalized = await api("/api/companies", {
      token: owner.token,
      body: { name: "Ok", domain: "not a domain", phone: "12", website: "ftp://x" },
    });
    expectError(normalized, 400, "validation_error");
    expect(Object.keys(normalized.body.error.details).sort()).toEqual(["domain", "phone", "website"]);
    const tooMany = await api("/api/companies", { token: owner.token, body: { name: "T", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) } });
    expectError(tooMany, 400, "validation_error");
    expect(tooMany.body.error.details).toHaveProperty("tags");
  });

  it("accepts a client-supplied id once and answers 409 when it is taken", async () => {
    const owner = await registerAccount("coid");
    const id = crypto.randomUUID();
    const c = await create("/api/companies", owner.token, { id, name: "Offline Co" });
    expect(c.id).toBe(id);
    expectError(await api("/api/companies", { token: owner.token, body: { id, name: "Again" } }), 409, "conflict");
    expectError(await api("/api/companies", { token: owner.token, body: { id: "not-a-uuid", name: "Bad" } }), 400, "validation_error");
  });

  it("requires the owner to be a member of the organization", async () => {
    const owner = await registerAccount("coown");
    const agent = await addMember(owner, "agent");
    const stranger = await registerAccount("costr");
    const res = await api("/api/companies", { token: owner.token, body: { name: "X", ownerId: stranger.userId } });
    expectError(res, 400, "validation_error");
    expect(res.body.error.details).toHaveProperty("ownerId");
    const c = await create("/api/companies", owner.token, { name: "Y", ownerId: agent.userId });
    expect(c.ownerId).toBe(agent.userId);
  });

  it("lets a viewer read but not write, and an agent write but not delete", async () => {
    const owner = await registerAccount("corole");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const c = await create("/api/companies", owner.token, { name: "Roles" });
    expect((await api(`/api/companies/${c.id}`, { token: viewer.token })).status).toBe(200);
    expect((await api("/api/companies", { token: viewer.token })).status).toBe(200);
    expectError(await api("/api/companies", { token: viewer.token, body: { name: "No" } }), 403, "forbidden");
    expectError(await api(`/api/companies/${c.id}`, { method: "PATCH", token: viewer.token, body: { name: "No" } }), 403, "forbidden");
    expect((await api(`/api/companies/${c.id}`, { method: "PATCH", token: agent.token, body: { name: "Yes" } })).status).toBe(200);
    expectError(await api(`/api/companies/${c.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    expectError(await api("/api/companies"), 401, "unauthorized");
  });

  it("answers 404 for another organization's company and never lists it", async () => {
    const a = await registerAccount("coa");
    const b = await registerAccount("cob");
    const theirs = await create("/api/companies", b.token, { name: "Hidden Co" });
    expectError(await api(`/api/companies/${theirs.id}`, { token: a.token }), 404, "not_found");
    expectError(await api(`/api/companies/${theirs.id}`, { method: "PATCH", token: a.token, body: { name: "Mine" } }), 404, "not_found");
    expectError(await api(`/api/companies/${theirs.id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    const list = await api("/api/companies?q=hidden", { token: a.token });
    expect(list.body.data).toEqual([]);
    expect((await api(`/api/companies/${theirs.id}`, { token: b.token })).body.data.name).toBe("Hidden Co");
  });

  it("shows agents only their own companies when visibility is 'own'; managers see all", async () => {
    const owner = await registerAccount("covis");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const mine = await create("/api/companies", agent.token, { name: "Agent Co" });
    const other = await create("/api/companies", owner.token, { name: "Owner Co" });
    await restrictToOwnRecords(owner);
    expect(ids((await api("/api/companies", { token: agent.token })).body.data)).toEqual([mine.id]);
    expectError(await api(`/api/companies/${other.id}`, { token: agent.token }), 404, "not_found");
    expectError(await api(`/api/companies/${other.id}`, { method: "PATCH", token: agent.token, body: { name: "X" } }), 404, "not_found");
    expect((await api(`/api/companies/${mine.id}`, { token: agent.token })).status).toBe(200);
    const all = await api("/api/companies", { token: manager.token });
    expect(ids(all.body.data).sort()).toEqual([mine.id, other.id].sort());
  });

  it("filters, sorts and paginates with meta", async () => {
    const owner = await registerAccount("colist");
    const agent = await addMember(owner, "agent");
    await create("/api/companies", owner.token, { name: "beta", domain: "beta.io", tags: ["hot"] });
    await create("/api/companies", owner.token, { name: "Alpha", domain: "alpha.com" });
    await create("/api/companies", agent.token, { name: "Gamma", domain: "gamma-beta.org", tags: ["hot"] });
    await create("/api/companies", owner.token, { name: "100%_sure" });

    const page1 = await api("/api/companies?per_page=2", { token: owner.token });
    expect(page1.body.meta).toEqual({ page: 1, per_page: 2, total: 4 });
    expect(page1.body.data.map((c: { name: string }) => c.name)).toEqual(["100%_sure", "Alpha"]);
    const page2 = await api("/api/companies?per_page=2&page=2", { token: owner.token });
    expect(page2.body.data.map((c: { name: string }) => c.name)).toEqual(["beta", "Gamma"]);

    const desc = await api("/api/companies?sort=-name", { token: owner.token });
    expect(desc.body.data[0].name).toBe("Gamma");
    const byCreated = await api("/api/companies?sort=-createdAt", { token: owner.token });
    expect(byCreated.body.data[0].name).toBe("100%_sure");

    const q = await api("/api/companies?q=BETA", { token: owner.token });
    expect(q.body.data.map((c: { name: string }) => c.name).sort()).toEqual(["Gamma", "beta"]);
    expect(q.body.meta.total).toBe(2);
    const literal = await api(`/api/companies?q=${encodeURIComponent("%_")}`, { token: owner.token });
    expect(literal.body.data.map((c: { name: string }) => c.name)).toEqual(["100%_sure"]);
    const tagged = await api("/api/companies?tag=hot", { token: owner.token });
    expect(tagged.body.meta.total).toBe(2);
    const owned = await api(`/api/companies?ownerId=${agent.userId}`, { token: owner.token });
    expect(owned.body.data.map((c: { name: string }) => c.name)).toEqual(["Gamma"]);
    expectError(await api("/api/companies?sort=domain", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/companies?per_page=101", { token: owner.token }), 400, "validation_error");
  });

  it("keeps a company that deals point at, and unlinks its contacts when deleted", async () => {
    const owner = await registerAccount("codel");
    const co = await create("/api/companies", owner.token, { name: "Linked" });
    const contact = await create("/api/contacts", owner.token, { firstName: "Lin", companyId: co.id });
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const withDeal = await create("/api/companies", owner.token, { name: "Has deal" });
    await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, companyId: withDeal.id });
    expectError(await api(`/api/companies/${withDeal.id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expect((await api(`/api/companies/${co.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect((await api(`/api/contacts/${contact.id}`, { token: owner.token })).body.data.companyId).toBeNull();
  });
});
