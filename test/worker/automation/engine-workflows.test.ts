import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { testDb } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { automationWorkflows } from "../../../schema";

const taskOnCreate = (extra: Record<string, unknown> = {}) => ({
  name: "Welcome new contacts",
  trigger: { kind: "record_created", entity: "contact" },
  conditions: { kind: "group", match: "all", conditions: [{ kind: "field", field: "email", operator: "is_not_empty" }] },
  actions: [{ id: "task", type: "create_task", title: "Call {{firstName}}", assignTo: { kind: "record_owner" } }],
  ...extra,
});

const workflowCount = async (orgId: string) => (await testDb().select().from(automationWorkflows).where(eq(automationWorkflows.orgId, orgId)).all()).length;

describe("workflow definitions", () => {
  it("creates a workflow owned by its creator, lists it with run counts, and bumps the version on edit", async () => {
    const owner = await registerAccount("wfcrud");
    const created = await api("/api/automation/workflows", { token: owner.token, body: taskOnCreate() });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const wf = created.body.data;
    expect(wf).toMatchObject({ ownerId: owner.userId, enabled: false, version: 1, lastRun: null, runCounts: {} });

    const list = await api("/api/automation/workflows", { token: owner.token });
    expect(list.body.data.map((w: { id: string }) => w.id)).toEqual([wf.id]);
    expect(list.body.meta.total).toBe(1);

    const edited = await api(`/api/automation/workflows/${wf.id}`, { method: "PATCH", token: owner.token, body: { name: "Welcome" } });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    expect(edited.body.data).toMatchObject({ name: "Welcome", version: 2 });

    const enabled = await api(`/api/automation/workflows/${wf.id}/enable`, { method: "POST", token: owner.token });
    expect(enabled.body.data).toMatchObject({ enabled: true, version: 3 });

    const removed = await api(`/api/automation/workflows/${wf.id}`, { method: "DELETE", token: owner.token });
    expect(removed.status).toBe(200);
    expectError(await api(`/api/automation/workflows/${wf.id}`, { token: owner.token }), 404, "not_found");
  });

  it("reports every problem of a definition at once by field path, and writes nothing", async () => {
    const owner = await registerAccount("wfbad");
    const res = await api("/api/automation/workflows", {
      token: owner.token,
      body: {
        name: "Broken",
        trigger: { kind: "field_changed", entity: "deal", field: "colour" },
        conditions: {
          kind: "group",
          match: "any",
          conditions: [
            { kind: "field", field: "company.shoeSize", operator: "eq", value: 1 },
            { kind: "field", field: "amount", operator: "gt" },
          ],
        },
        actions: [
          { id: "a", type: "assign_owner", strategy: "fixed", userId: "nobody" },
          { id: "a", type: "notify", recipients: [{ kind: "team", teamId: "no-team" }], title: "Hi" },
          { id: "s", type: "set_fields", fields: { nope: 1 } },
        ],
      },
    });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details).sort()).toEqual(
      ["actions.0.userId", "actions.1.id", "actions.1.recipients.0.teamId", "actions.2.fields.nope", "conditions.conditions.0.field", "conditions.conditions.1.value", "trigger.field"].sort(),
    );
    expect(await workflowCount(owner.orgId)).toBe(0);
  });

  it("refuses a bad cron or time zone, and an unknown stage, with their paths", async () => {
    const owner = await registerAccount("wfcron");
    const cron = await api("/api/automation/workflows", {
      token: owner.token,
      body: { name: "Nightly", trigger: { kind: "schedule", cron: "61 * * * *", timeZone: "Europe/Berlin" }, actions: [{ id: "n", type: "notify", recipients: [{ kind: "role", role: "admin" }], title: "Hi" }] },
    });
    expectError(cron, 400, "validation_error");
    expect(Object.keys(cron.body.error.details)).toEqual(["trigger.cron"]);
    const zone = await api("/api/automation/workflows", {
      token: owner.token,
      body: { name: "Nightly", trigger: { kind: "schedule", cron: "0 9 * * *", timeZone: "Mars/Olympus" }, actions: [{ id: "n", type: "notify", recipients: [{ kind: "role", role: "admin" }], title: "Hi" }] },
    });
    expect(Object.keys(zone.body.error.details)).toEqual(["trigger.timeZone"]);
    const stage = await api("/api/automation/workflows", {
      token: owner.token,
      body: { name: "Stage", trigger: { kind: "deal_stage_entered", stageId: "not-a-stage" }, actions: [{ id: "n", type: "notify", recipients: [{ kind: "record_owner" }], title: "Hi" }] },
    });
    expect(Object.keys(stage.body.error.details)).toEqual(["trigger.stageId"]);
    expect(await workflowCount(owner.orgId)).toBe(0);
  });

  it("computes a schedule's next firing when enabled, and clears it when disabled", async () => {
    const owner = await registerAccount("wfsched");
    const res = await api("/api/automation/workflows", {
      token: owner.token,
      body: { name: "Daily", enabled: true, trigger: { kind: "schedule", cron: "0 9 * * *", timeZone: "Asia/Tokyo" }, actions: [{ id: "n", type: "notify", recipients: [{ kind: "role", role: "admin" }], title: "Morning" }] },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const next = res.body.data.nextRunAt as number;
    expect(next).toBeGreaterThan(Date.now());
    expect(next - Date.now()).toBeLessThanOrEqual(24 * 3600_000);
    expect(new Date(next).getUTCHours()).toBe(0);
    const off = await api(`/api/automation/workflows/${res.body.data.id}/disable`, { method: "POST", token: owner.token });
    expect(off.body.data.nextRunAt).toBeNull();
  });

  it("lets a viewer read workflows but refuses their writes, changing nothing", async () => {
    const owner = await registerAccount("wfview");
    const viewer = await addMember(owner, "viewer");
    const wf = (await api("/api/automation/workflows", { token: owner.token, body: taskOnCreate() })).body.data;
    expect((await api("/api/automation/workflows", { token: viewer.token })).body.data).toHaveLength(1);
    expectError(await api("/api/automation/workflows", { token: viewer.token, body: taskOnCreate() }), 403, "forbidden");
    expectError(await api(`/api/automation/workflows/${wf.id}`, { method: "PATCH", token: viewer.token, body: { name: "X" } }), 403, "forbidden");
    expectError(await api(`/api/automation/workflows/${wf.id}/enable`, { method: "POST", token: viewer.token }), 403, "forbidden");
    expectError(await api(`/api/automation/workflows/${wf.id}`, { method: "DELETE", token: viewer.token }), 403, "forbidden");
    const row = await testDb().select().from(automationWorkflows).where(eq(automationWorkflows.id, wf.id)).get();
    expect(row).toMatchObject({ name: wf.name, enabled: false, version: 1 });
    expectError(await api("/api/automation/workflows"), 401, "unauthorized");
  });

  it("refuses a manager making or editing a workflow that acts as an admin", async () => {
    const owner = await registerAccount("wfrank");
    const admin = await addMember(owner, "admin");
    const manager = await addMember(owner, "manager");
    expectError(await api("/api/automation/workflows", { token: manager.token, body: taskOnCreate({ ownerId: admin.userId }) }), 403, "forbidden");
    const wf = (await api("/api/automation/workflows", { token: admin.token, body: taskOnCreate() })).body.data;
    expectError(await api(`/api/automation/workflows/${wf.id}`, { method: "PATCH", token: manager.token, body: { enabled: true } }), 403, "forbidden");
    expect((await testDb().select().from(automationWorkflows).where(eq(automationWorkflows.id, wf.id)).get())?.enabled).toBe(false);
    const own = await api("/api/automation/workflows", { token: manager.token, body: taskOnCreate() });
    expect(own.status).toBe(201);
  });

  it("answers 404 for another organization's workflow", async () => {
    const a = await registerAccount("wfa");
    const b = await registerAccount("wfb");
    const wf = (await api("/api/automation/workflows", { token: a.token, body: taskOnCreate() })).body.data;
    expectError(await api(`/api/automation/workflows/${wf.id}`, { token: b.token }), 404, "not_found");
    expectError(await api(`/api/automation/workflows/${wf.id}`, { method: "PATCH", token: b.token, body: { name: "Mine" } }), 404, "not_found");
    expectError(await api(`/api/automation/workflows/${wf.id}`, { method: "DELETE", token: b.token }), 404, "not_found");
    expect((await api("/api/automation/workflows", { token: b.token })).body.data).toEqual([]);
    // Another organization's member cannot be named owner either.
    const foreign = await api("/api/automation/workflows", { token: b.token, body: taskOnCreate({ ownerId: a.userId }) });
    expect(Object.keys(foreign.body.error.details)).toEqual(["ownerId"]);
  });
});

describe("the trigger catalog", () => {
  it("lists trigger kinds, fields with enum options, linked records and the organization's stages", async () => {
    const owner = await registerAccount("wfcat");
    const pipeline = await defaultPipeline(owner.orgId);
    const res = await api("/api/automation/triggers", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const cat = res.body.data;
    expect(cat.triggers.map((t: { kind: string }) => t.kind)).toContain("deal_stage_entered");
    const deal = cat.entities.find((e: { entity: string }) => e.entity === "deal");
    expect(deal.fields.find((f: { name: string }) => f.name === "status")).toEqual({ name: "status", type: "enum", options: ["open", "won", "lost"] });
    expect(deal.fields.find((f: { name: string }) => f.name === "amount")?.type).toBe("number");
    expect(deal.fields.some((f: { name: string }) => f.name === "orgId")).toBe(false);
    expect(deal.links.map((l: { name: string }) => l.name)).toEqual(expect.arrayContaining(["company", "owner"]));
    const ticket = cat.entities.find((e: { entity: string }) => e.entity === "ticket");
    expect(ticket.fields.find((f: { name: string }) => f.name === "priority").options).toEqual(["low", "normal", "high", "urgent"]);
    const stageIds = cat.pipelines.flatMap((p: { stages: { id: string }[] }) => p.stages.map((s) => s.id));
    expect(stageIds).toEqual(expect.arrayContaining(pipeline.stages.map((s) => s.id)));
    expect(cat.events).toContain("invoice.paid");
  });
  it("offers a manager the endpoints a webhook step may call by description and host, never their URL, and no Zapier subscription", async () => {
    const owner = await registerAccount("wfcatep");
    const manager = await addMember(owner, "manager");
    const made = await api("/api/webhooks/endpoints", { token: owner.token, body: { url: "https://hooks.example.com/in/s3cret-path?token=abc", events: ["deal.created"], description: "ERP" } });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    const hook = await api("/api/hooks", { token: owner.token, body: { target_url: "https://hooks.zapier.com/hooks/standard/1/secret/", event: "deal.created" } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    expectError(await api("/api/webhooks/endpoints", { token: manager.token }), 403, "forbidden");
    const res = await api("/api/automation/triggers", { token: manager.token });
    expect(res.status).toBe(200);
    expect(res.body.data.endpoints).toEqual([{ id: made.body.data.endpoint.id, description: "ERP", host: "hooks.example.com", enabled: true }]);
    expect(JSON.stringify(res.body.data)).not.toContain("s3cret");
    expect(JSON.stringify(res.body.data)).not.toContain("zapier");
  });
});
