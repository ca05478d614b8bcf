import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create, insertDeal } from "../../record-helpers";

const stageNames = (p: { stages: { name: string }[] }) => p.stages.map((s) => s.name);

describe("pipelines", () => {
  it("gives every new organization the default sales pipeline", async () => {
    const owner = await registerAccount("pl");
    const res = await api("/api/pipelines", { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.body.data).toHaveLength(1);
    const [pipeline] = res.body.data;
    expect(pipeline).toMatchObject({ name: "Sales pipeline", isDefault: true });
    expect(pipeline.stages.map((s: { name: string; probability: number }) => [s.name, s.probability])).toEqual([
      ["Lead", 10],
      ["Qualified", 25],
      ["Proposal", 50],
      ["Negotiation", 75],
      ["Closed won", 100],
      ["Closed lost", 0],
    ]);
    expect((await api(`/api/pipelines/${pipeline.id}`, { token: owner.token })).body.data).toEqual(pipeline);
  });

  it("creates, renames, makes default and deletes a pipeline", async () => {
    const owner = await registerAccount("plcrud");
    const id = crypto.randomUUID();
    const created = await create("/api/pipelines", owner.token, {
      id,
      name: "Renewals",
      stages: [
        { name: "Due", probability: 20 },
        { name: "Renewed", probability: 100 },
      ],
    });
    expect(created).toMatchObject({ id, name: "Renewals", isDefault: false });
    expect(stageNames(created)).toEqual(["Due", "Renewed"]);
    expectError(await api("/api/pipelines", { token: owner.token, body: { id, name: "Dup", stages: [{ name: "A", probability: 1 }] } }), 409, "conflict");

    const renamed = await api(`/api/pipelines/${id}`, { method: "PATCH", token: owner.token, body: { name: "Renewals 2026", isDefault: true } });
    expect(renamed.body.data).toMatchObject({ name: "Renewals 2026", isDefault: true });
    const all = (await api("/api/pipelines", { token: owner.token })).body.data;
    expect(all.map((p: { name: string; isDefault: boolean }) => [p.name, p.isDefault])).toEqual([
      ["Sales pipeline", false],
      ["Renewals 2026", true],
    ]);

    expect((await api(`/api/pipelines/${id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    const left = (await api("/api/pipelines", { token: owner.token })).body.data;
    expect(left).toHaveLength(1);
    expect(left[0].isDefault).toBe(true);
    expectError(await api(`/api/pipelines/${left[0].id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expect(await auditActions(owner.token, "pipeline", id)).toEqual(["delete", "update", "create"]);
  });

  it("adds, edits, reorders and deletes stages", async () => {
    const owner = await registerAccount("plstage");
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const added = await api(`/api/pipelines/${pipeline.id}/stages`, {
      token: owner.token,
      body: { name: "Demo", probability: 40, position: 2 },
    });
    expect(added.status).toBe(201);
    expect(stageNames(added.body.data)).toEqual(["Lead", "Qualified", "Demo", "Proposal", "Negotiation", "Closed won", "Closed lost"]);
    const demo = added.body.data.stages[2];

    const edited = await api(`/api/pipelines/${pipeline.id}/stages/${demo.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { name: "Product demo", probability: 45 },
    });
    expect(edited.body.data.stages[2]).toEqual({ id: demo.id, name: "Product demo", probability: 45 });

    const reversed = [...added.body.data.stages].reverse().map((s: { id: string }) => s.id);
    const reordered = await api(`/api/pipelines/${pipeline.id}/stages/order`, { method: "PUT", token: owner.token, body: { stageIds: reversed } });
    expect(reordered.status).toBe(200);
    expect(reordered.body.data.stages.map((s: { id: string }) => s.id)).toEqual(reversed);
    const missing = await api(`/api/pipelines/${pipeline.id}/stages/order`, { method: "PUT", token: owner.token, body: { stageIds: reversed.slice(1) } });
    expectError(missing, 400, "validation_error");
    expect(missing.body.error.details).toHaveProperty("stageIds");

    const removed = await api(`/api/pipelines/${pipeline.id}/stages/${demo.id}`, { method: "DELETE", token: owner.token });
    expect(removed.status).toBe(200);
    expect(stageNames(removed.body.data)).not.toContain("Product demo");
    expect(removed.body.data.stages).toHaveLength(6);
    const appended = await api(`/api/pipelines/${pipeline.id}/stages`, { token: owner.token, body: { name: "Last", probability: 5 } });
    expect(stageNames(appended.body.data).at(-1)).toBe("Last");
    expect(await auditActions(owner.token, "stage", demo.id)).toEqual(["delete", "update", "create"]);
  });

  it("keeps a stage with open deals, and a pipeline with deals (409)", async () => {
    const owner = await registerAccount("plconf");
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const [lead, qualified, proposal] = pipeline.stages;
    const deal = await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: lead.id });
    await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: qualified.id, status: "won" });
    const res = await api(`/api/pipelines/${pipeline.id}/stages/${lead.id}`, { method: "DELETE", token: owner.token });
    expectError(res, 409, "conflict");
    expect(res.body.error.message).toContain("open deal");
    // Closed deals do not hold a stage.
    expect((await api(`/api/pipelines/${pipeline.id}/stages/${qualified.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect((await api(`/api/pipelines/${pipeline.id}/stages/${proposal.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);

    const second = await create("/api/pipelines", owner.token, { name: "Second", stages: [{ name: "Only", probability: 50 }] });
    expectError(await api(`/api/pipelines/${pipeline.id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expectError(await api(`/api/pipelines/${second.id}/stages/${second.stages[0].id}`, { method: "DELETE", token: owner.token }), 409, "conflict");
    expect((await api(`/api/pipelines/${pipeline.id}`, { token: owner.token })).body.data.stages.map((s: { id: string }) => s.id)).toContain(deal.stageId);
  });

  it("validates pipeline and stage input", async () => {
    const owner = await registerAccount("plval");
    const none = await api("/api/pipelines", { token: owner.token, body: { name: "Empty", stages: [] } });
    expectError(none, 400, "validation_error");
    expect(none.body.error.details).toHaveProperty("stages");
    const prob = await api("/api/pipelines", { token: owner.token, body: { name: "P", stages: [{ name: "A", probability: 120 }] } });
    expectError(prob, 400, "validation_error");
    expect(prob.body.error.details).toHaveProperty(["stages.0.probability"]);
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    expectError(await api(`/api/pipelines/${pipeline.id}/stages`, { token: owner.token, body: { name: "", probability: 5 } }), 400, "validation_error");
    expectError(await api(`/api/pipelines/${pipeline.id}/stages/${crypto.randomUUID()}`, { method: "PATCH", token: owner.token, body: { name: "X" } }), 404, "not_found");
  });

  it("lets every member read pipelines but only owners and admins manage them", async () => {
    const owner = await registerAccount("plrole");
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    for (const role of ["viewer", "agent", "manager"]) {
      const member = await addMember(owner, role);
      expect((await api("/api/pipelines", { token: member.token })).status).toBe(200);
      expectError(await api("/api/pipelines", { token: member.token, body: { name: "No", stages: [{ name: "A", probability: 1 }] } }), 403, "forbidden");
      expectError(await api(`/api/pipelines/${pipeline.id}`, { method: "PATCH", token: member.token, body: { name: "No" } }), 403, "forbidden");
      expectError(await api(`/api/pipelines/${pipeline.id}/stages/${pipeline.stages[0].id}`, { method: "DELETE", token: member.token }), 403, "forbidden");
    }
    const admin = await addMember(owner, "admin");
    expect((await api(`/api/pipelines/${pipeline.id}`, { method: "PATCH", token: admin.token, body: { name: "Admin's" } })).status).toBe(200);
  });

  it("answers 404 for another organization's pipeline and stages", async () => {
    const a = await registerAccount("pla");
    const b = await registerAccount("plb");
    const theirs = (await api("/api/pipelines", { token: b.token })).body.data[0];
    expectError(await api(`/api/pipelines/${theirs.id}`, { token: a.token }), 404, "not_found");
    expectError(await api(`/api/pipelines/${theirs.id}`, { method: "PATCH", token: a.token, body: { name: "Mine" } }), 404, "not_found");
    expectError(await api(`/api/pipelines/${theirs.id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    expectError(await api(`/api/pipelines/${theirs.id}/stages`, { token: a.token, body: { name: "X", probability: 1 } }), 404, "not_found");
    expectError(await api(`/api/pipelines/${theirs.id}/stages/${theirs.stages[0].id}`, { method: "DELETE", token: a.token }), 404, "not_found");
    const mine = (await api("/api/pipelines", { token: a.token })).body.data[0];
    expectError(await api(`/api/pipelines/${mine.id}/stages/${theirs.stages[0].id}`, { method: "PATCH", token: a.token, body: { name: "X" } }), 404, "not_found");
    expect((await api("/api/pipelines", { token: a.token })).body.data.map((p: { id: string }) => p.id)).toEqual([mine.id]);
  });
});
