import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create, ids, insertDeal, restrictToOwnRecords } from "../../record-helpers";

describe("contacts", () => {
  it("creates, reads, updates and deletes a contact with the contract fields", async () => {
    const owner = await registerAccount("ct");
    const company = await create("/api/companies", owner.token, { name: "Initech" });
    const created = await create("/api/contacts", owner.token, {
      firstName: " Peter ",
      lastName: "Gibbons",
      email: "Peter.Gibbons@Initech.COM",
      phone: "415 555 0132",
      title: "Engineer",
      companyId: company.id,
      source: "referral",
      tags: ["tps"],
    });
    expect(created).toMatchObject({
      firstName: "Peter",
      lastName: "Gibbons",
      email: "peter.gibbons@initech.com",
      phone: "+14155550132",
      title: "Engineer",
      companyId: company.id,
      source: "referral",
      tags: ["tps"],
      ownerId: owner.userId,
      createdBy: owner.userId,
    });
    expect(typeof created.createdAt).toBe("number");

    const got = await api(`/api/contacts/${created.id}`, { token: owner.token });
    expect(got.body.data.company).toEqual({ id: company.id, name: "Initech" });

    const patched = await api(`/api/contacts/${created.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { title: "Manager", companyId: null, phone: "+44 20 7946 0958" },
    });
    expect(patched.body.data).toMatchObject({ title: "Manager", companyId: null, phone: "+442079460958", email: "peter.gibbons@initech.com" });
    expect((await api(`/api/contacts/${created.id}`, { token: owner.token })).body.data.company).toBeNull();

    expect((await api(`/api/contacts/${created.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/contacts/${created.id}`, { token: owner.token }), 404, "not_found");
    expect(await auditActions(owner.token, "contact", created.id)).toEqual(["delete", "update", "create"]);
  });

  it("reads phone numbers with the organization's default country", async () => {
    const owner = await registerAccount("ctcountry");
    await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { defaultCountry: "GB" } } });
    const c = await create("/api/contacts", owner.token, { firstName: "Nigel", phone: "020 7946 0958" });
    expect(c.phone).toBe("+442079460958");
  });

  it("answers validation errors naming each bad field", async () => {
    const owner = await registerAccount("ctval");
    const res = await api("/api/contacts", {
      token: owner.token,
      body: { lastName: "NoFirst", email: "not-an-email", score: 3 },
    });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details)).toEqual(expect.arrayContaining(["firstName", "email"]));
    const snake = await api("/api/contacts", { token: owner.token, body: { first_name: "Snake" } });
    expectError(snake, 400, "validation_error");
    const phone = await api("/api/contacts", { token: owner.token, body: { firstName: "P", phone: "call me maybe" } });
    expectError(phone, 400, "validation_error");
    expect(phone.body.error.details).toHaveProperty("phone");
    const types = await api("/api/contacts", { token: owner.token, body: { firstName: 42, tags: "vip" } });
    expectError(types, 400, "validation_error");
    expect(Object.keys(types.body.error.details)).toEqual(expect.arrayContaining(["firstName", "tags"]));
  });

  it("rejects a companyId from another organization or that does not exist", async () => {
    const a = await registerAccount("ctfk");
    const b = await registerAccount("ctfk2");
    const theirs = await create("/api/companies", b.token, { name: "Theirs" });
    for (const companyId of [theirs.id, crypto.randomUUID()]) {
      const res = await api("/api/contacts", { token: a.token, body: { firstName: "X", companyId } });
      expectError(res, 400, "validation_error");
      expect(res.body.error.details).toHaveProperty("companyId");
    }
    const mine = await create("/api/contacts", a.token, { firstName: "Y" });
    const patch = await api(`/api/contacts/${mine.id}`, { method: "PATCH", token: a.token, body: { companyId: theirs.id } });
    expectError(patch, 400, "validation_error");
    expect(patch.body.error.details).toHaveProperty("companyId");
  });

  it("accepts a client-supplied id once and answers 409 when it is taken", async () => {
    const owner = await registerAccount("ctid");
    const id = crypto.randomUUID();
    expect((await create("/api/contacts", owner.token, { id, firstName: "Offline" })).id).toBe(id);
    expectError(await api("/api/contacts", { token: owner.token, body: { id, firstName: "Twice" } }), 409, "conflict");
    const other = await registerAccount("ctid2");
    expectError(await api("/api/contacts", { token: other.token, body: { id, firstName: "Elsewhere" } }), 409, "conflict");
  });

  it("lets a viewer read but not write, and an agent write but not delete", async () => {
    const owner = await registerAccount("ctrole");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const c = await create("/api/contacts", owner.token, { firstName: "Role" });
    expect((await api(`/api/contacts/${c.id}`, { token: viewer.token })).status).toBe(200);
    expectError(await api("/api/contacts", { token: viewer.token, body: { firstName: "No" } }), 403, "forbidden");
    expectError(await api(`/api/contacts/${c.id}`, { method: "DELETE", token: viewer.token }), 403, "forbidden");
    expect((await create("/api/contacts", agent.token, { firstName: "Agent's" })).ownerId).toBe(agent.userId);
    expectError(await api(`/api/contacts/${c.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
  });

  it("answers 404 for another organization's contact and never lists it", async () => {
    const a = await registerAccount("cta");
    const b = await registerAccount("ctb");
    const theirs = await create("/api/contacts", b.token, { firstName: "Hidden", email: "hidden@b.example" });
    expectError(await api(`/api/contacts/${theirs.id}`, { token: a.token }), 404, "not_found");
    expectError(await api(`/api/contacts/${theirs.id}`, { method: "PATCH", token: a.token, body: { firstName: "X" } }), 404, "not_found");
    expectError(await api(`/api/contacts/${theirs.id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    expect((await api("/api/contacts?email=hidden@b.example", { token: a.token })).body.meta.total).toBe(0);
  });

  it("shows agents only their own contacts when visibility is 'own'; managers see all", async () => {
    const owner = await registerAccount("ctvis");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const mine = await create("/api/contacts", agent.token, { firstName: "Mine" });
    const other = await create("/api/contacts", owner.token, { firstName: "Other" });
    await restrictToOwnRecords(owner);
    const list = await api("/api/contacts", { token: agent.token });
    expect(ids(list.body.data)).toEqual([mine.id]);
    expect(list.body.meta.total).toBe(1);
    expectError(await api(`/api/contacts/${other.id}`, { token: agent.token }), 404, "not_found");
    expect(ids((await api("/api/contacts", { token: manager.token })).body.data).sort()).toEqual([mine.id, other.id].sort());
    // A record a manager hands to someone else leaves the agent's view.
    await api(`/api/contacts/${mine.id}`, { method: "PATCH", token: manager.token, body: { ownerId: manager.userId } });
    expectError(await api(`/api/contacts/${mine.id}`, { token: agent.token }), 404, "not_found");
  });

  it("filters by q, company, owner, tag and email; sorts by last then first name", async () => {
    const owner = await registerAccount("ctlist");
    const agent = await addMember(owner, "agent");
    const co = await create("/api/companies", owner.token, { name: "Filter Co" });
    await create("/api/contacts", owner.token, { firstName: "Zed", lastName: "Adams", email: "zed@x.io", companyId: co.id, tags: ["a"] });
    await create("/api/contacts", owner.token, { firstName: "Amy", lastName: "adams", email: "amy@x.io" });
    await create("/api/contacts", agent.token, { firstName: "Bob", lastName: "Brown", email: "bob@y.io", tags: ["a"] });

    const byName = await api("/api/contacts", { token: owner.token });
    expect(byName.body.data.map((c: { firstName: string }) => c.firstName)).toEqual(["Amy", "Zed", "Bob"]);
    expect(byName.body.meta).toEqual({ page: 1, per_page: 25, total: 3 });
    const reversed = await api("/api/contacts?sort=-name", { token: owner.token });
    expect(reversed.body.data.map((c: { firstName: string }) => c.firstName)).toEqual(["Bob", "Zed", "Amy"]);
    const byEmail = await api("/api/contacts?sort=email&per_page=1&page=2", { token: owner.token });
    expect(byEmail.body.data.map((c: { email: string }) => c.email)).toEqual(["bob@y.io"]);
    expect(byEmail.body.meta).toEqual({ page: 2, per_page: 1, total: 3 });

    const names = (res: { body: { data: { firstName: string }[] } }) => res.body.data.map((c) => c.firstName).sort();
    expect(names(await api("/api/contacts?q=amy%20adams", { token: owner.token }))).toEqual(["Amy"]);
    expect(names(await api("/api/contacts?q=x.io", { token: owner.token }))).toEqual(["Amy", "Zed"]);
    expect(names(await api(`/api/contacts?companyId=${co.id}`, { token: owner.token }))).toEqual(["Zed"]);
    expect(names(await api(`/api/contacts?ownerId=${agent.userId}`, { token: owner.token }))).toEqual(["Bob"]);
    expect(names(await api("/api/contacts?tag=a", { token: owner.token }))).toEqual(["Bob", "Zed"]);
    expect(names(await api("/api/contacts?email=BOB@y.io", { token: owner.token }))).toEqual(["Bob"]);
  });

  it("keeps a contact that deals point at", async () => {
    const owner = await registerAccount("ctdeal");
    const c = await create("/api/contacts", owner.token, { firstName: "Dealt" });
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, contactId: c.id });
    expectError(await api(`/api/contacts/${c.id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expect((await api(`/api/contacts/${c.id}`, { token: owner.token })).status).toBe(200);
  });
});
