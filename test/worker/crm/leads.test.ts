import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { leads } from "../../../schema";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create, ids, restrictToOwnRecords, testDb } from "../../record-helpers";

describe("leads", () => {
  it("creates, reads, updates and deletes a lead with the contract fields", async () => {
    const owner = await registerAccount("ld");
    const created = await create("/api/leads", owner.token, {
      firstName: "Ann",
      lastName: "Lee",
      email: "ANN@Lead.io",
      phone: "(212) 555-0199",
      title: "CTO",
      companyName: "Lead Co",
      source: "Web",
      notes: "Met at a conference",
      tags: ["warm"],
    });
    expect(created).toMatchObject({
      firstName: "Ann",
      lastName: "Lee",
      email: "ann@lead.io",
      phone: "+12125550199",
      companyName: "Lead Co",
      source: "Web",
      status: "new",
      notes: "Met at a conference",
      tags: ["warm"],
      ownerId: owner.userId,
      convertedAt: null,
      convertedDealId: null,
    });
    const patched = await api(`/api/leads/${created.id}`, { method: "PATCH", token: owner.token, body: { status: "qualified" } });
    expect(patched.body.data).toMatchObject({ status: "qualified" });
    expect(patched.body.data).toHaveProperty("scoreFactors");
    expect(patched.body.data).toHaveProperty("scoreModel");
    expect((await api(`/api/leads/${created.id}`, { token: owner.token })).body.data.status).toBe("qualified");
    expect((await api(`/api/leads/${created.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect(await auditActions(owner.token, "lead", created.id)).toEqual(["delete", "update", "create"]);
  });

  it("never sets status 'converted' by hand, and keeps a converted lead's status", async () => {
    const owner = await registerAccount("ldconv");
    const lead = await create("/api/leads", owner.token, { firstName: "Conv" });
    const res = await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { status: "converted" } });
    expectError(res, 400, "validation_error");
    expect(res.body.error.details.status[0]).toContain("converted");
    expectError(await api("/api/leads", { token: owner.token, body: { firstName: "X", status: "converted" } }), 400, "validation_error");
    await testDb().update(leads).set({ status: "converted", convertedAt: Date.now() }).where(eq(leads.id, lead.id));
    expectError(await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { status: "new" } }), 409, "conflict");
    const notes = await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { notes: "still editable" } });
    expect(notes.body.data).toMatchObject({ status: "converted", notes: "still editable" });
  });

  it("refuses a score in the body, pointing to the override route, and changes nothing", async () => {
    const owner = await registerAccount("ldscore");
    const lead = await create("/api/leads", owner.token, { firstName: "Scored" });
    for (const res of [
      await api("/api/leads", { token: owner.token, body: { firstName: "S", score: 40 } }),
      await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { score: 90, notes: "changed" } }),
    ]) {
      expectError(res, 400, "validation_error");
      expect(res.body.error.details.score[0]).toContain("/api/scoring/lead/{id}/override");
    }
    expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data.notes).toBeNull();
    expect((await api("/api/leads", { token: owner.token })).body.meta.total).toBe(1);
  });

  it("answers validation errors naming each bad field", async () => {
    const owner = await registerAccount("ldval");
    const res = await api("/api/leads", { token: owner.token, body: { firstName: "S", score: 101, status: "hot", email: "nope" } });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details).sort()).toEqual(["email", "score", "status"]);
    expectError(await api("/api/leads", { token: owner.token, body: { firstName: "S", score: 5.5 } }), 400, "validation_error");
    const owner2 = await registerAccount("ldval2");
    const badOwner = await api("/api/leads", { token: owner.token, body: { firstName: "S", ownerId: owner2.userId } });
    expectError(badOwner, 400, "validation_error");
    expect(badOwner.body.error.details).toHaveProperty("ownerId");
  });

  it("accepts a client-supplied id once", async () => {
    const owner = await registerAccount("ldid");
    const id = crypto.randomUUID();
    expect((await create("/api/leads", owner.token, { id, firstName: "Off" })).id).toBe(id);
    expectError(await api("/api/leads", { token: owner.token, body: { id, firstName: "Off" } }), 409, "conflict");
  });

  it("lets a viewer read but not write, and an agent write but not delete", async () => {
    const owner = await registerAccount("ldrole");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const lead = await create("/api/leads", owner.token, { firstName: "Role" });
    expect((await api("/api/leads", { token: viewer.token })).body.meta.total).toBe(1);
    expectError(await api(`/api/leads/${lead.id}`, { method: "PATCH", token: viewer.token, body: { notes: "x" } }), 403, "forbidden");
    expect((await api(`/api/leads/${lead.id}`, { method: "PATCH", token: agent.token, body: { notes: "x" } })).status).toBe(200);
    expectError(await api(`/api/leads/${lead.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
  });

  it("answers 404 for another organization's lead", async () => {
    const a = await registerAccount("lda");
    const b = await registerAccount("ldb");
    const theirs = await create("/api/leads", b.token, { firstName: "Hidden" });
    expectError(await api(`/api/leads/${theirs.id}`, { token: a.token }), 404, "not_found");
    expectError(await api(`/api/leads/${theirs.id}`, { method: "PATCH", token: a.token, body: { notes: "x" } }), 404, "not_found");
    expectError(await api(`/api/leads/${theirs.id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    expect((await api("/api/leads?q=hidden", { token: a.token })).body.data).toEqual([]);
  });

  it("shows agents only their own leads when visibility is 'own'", async () => {
    const owner = await registerAccount("ldvis");
    const agent = await addMember(owner, "agent");
    const mine = await create("/api/leads", agent.token, { firstName: "Mine" });
    const other = await create("/api/leads", owner.token, { firstName: "Other" });
    await restrictToOwnRecords(owner);
    expect(ids((await api("/api/leads", { token: agent.token })).body.data)).toEqual([mine.id]);
    expectError(await api(`/api/leads/${other.id}`, { token: agent.token }), 404, "not_found");
    expect((await api("/api/leads", { token: owner.token })).body.meta.total).toBe(2);
  });

  it("filters by status, source, owner, tag and q; sorts by score", async () => {
    const owner = await registerAccount("ldlist");
    const agent = await addMember(owner, "agent");
    const a = await create("/api/leads", owner.token, { firstName: "A", status: "contacted", source: "Web", tags: ["x"] });
    const b = await create("/api/leads", owner.token, { firstName: "B", status: "qualified", source: "web", companyName: "Bcorp" });
    const c = await create("/api/leads", agent.token, { firstName: "C", source: "Event", tags: ["x"] });
    // Overridden scores: the model's own may change with any rescoring, an override does not.
    for (const [lead, score] of [[a, 10], [b, 80], [c, 50]] as const) {
      const res = await api(`/api/scoring/lead/${lead.id}/override`, { method: "PUT", token: owner.token, body: { score, reason: "fixture" } });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }
    const names = (res: { body: { data: { firstName: string }[] } }) => res.body.data.map((l) => l.firstName);
    expect(names(await api("/api/leads", { token: owner.token }))).toEqual(["C", "B", "A"]);
    expect(names(await api("/api/leads?sort=-score", { token: owner.token }))).toEqual(["B", "C", "A"]);
    expect(names(await api("/api/leads?status=qualified", { token: owner.token }))).toEqual(["B"]);
    expect(names(await api("/api/leads?source=WEB&sort=name", { token: owner.token }))).toEqual(["A", "B"]);
    expect(names(await api(`/api/leads?ownerId=${agent.userId}`, { token: owner.token }))).toEqual(["C"]);
    expect(names(await api("/api/leads?tag=x&sort=name", { token: owner.token }))).toEqual(["A", "C"]);
    expect(names(await api("/api/leads?q=bcorp", { token: owner.token }))).toEqual(["B"]);
    const paged = await api("/api/leads?per_page=2&page=2", { token: owner.token });
    expect(paged.body.meta).toEqual({ page: 2, per_page: 2, total: 3 });
    expect(names(paged)).toEqual(["A"]);
    expectError(await api("/api/leads?status=lukewarm", { token: owner.token }), 400, "validation_error");
  });
});
