import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create, testDb } from "../../record-helpers";
import { activities, automationRuns, automationRunSteps, contacts } from "../../../schema";
import { enabledWorkflow, finishedRuns, runSettled, runsOf, settle } from "./engine-fixture";

const notesOn = (contactId: string) =>
  testDb().select().from(activities).where(and(eq(activities.contactId, contactId), eq(activities.type, "note"))).all();
const tasksOn = (contactId: string) =>
  testDb().select().from(activities).where(and(eq(activities.contactId, contactId), eq(activities.type, "task"))).all();

describe("runs started by record events", () => {
  it("runs a record_created workflow whose conditions hold, logs each step, and skips records that do not match", async () => {
    const owner = await registerAccount("runcreate");
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "record_created", entity: "contact" },
      conditions: { kind: "group", match: "all", conditions: [{ kind: "field", field: "email", operator: "contains", value: "@acme.test" }] },
      actions: [{ id: "task", type: "create_task", title: "Call {{firstName}}", assignTo: { kind: "record_owner" } }],
    });
    const other = await create("/api/contacts", owner.token, { firstName: "Zed", email: "zed@elsewhere.test" });
    const contact = await create("/api/contacts", owner.token, { firstName: "Ada", email: "ada@acme.test" });
    const [run] = await finishedRuns(wf.id);
    await settle(800);
    expect(await runsOf(wf.id)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", entity: "contact", recordId: contact.id, attempt: 1 });
    expect((await tasksOn(contact.id)).map((t) => t.subject)).toEqual(["Call Ada"]);
    expect(await tasksOn(other.id)).toEqual([]);

    const detail = await api(`/api/automation/runs/${run!.id}`, { token: owner.token });
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.data.steps).toHaveLength(1);
    expect(detail.body.data.steps[0]).toMatchObject({ stepKey: "task", actionType: "create_task", status: "succeeded", attempts: 1, error: null });
    expect(detail.body.data.steps[0].output).toMatchObject({ created: true });
    expect(detail.body.data.definition.actions[0].id).toBe("task");

    const byRecord = await api(`/api/automation/runs?recordId=${contact.id}`, { token: owner.token });
    expect(byRecord.body.data.map((r: { id: string }) => r.id)).toEqual([run!.id]);
    const list = await api("/api/automation/workflows", { token: owner.token });
    expect(list.body.data[0]).toMatchObject({ lastRun: { id: run!.id, status: "succeeded" }, runCounts: { succeeded: 1 } });
  });

  it("fires field_changed only when the field changed, comparing the previous and the new value", async () => {
    const owner = await registerAccount("runfield");
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "field_changed", entity: "lead", field: "status" },
      conditions: {
        kind: "group",
        match: "all",
        conditions: [
          { kind: "field", field: "previous.status", operator: "eq", value: "new" },
          { kind: "field", field: "status", operator: "eq", value: "qualified" },
        ],
      },
      actions: [{ id: "note", type: "create_note", body: "Qualified from new" }],
    });
    const lead = await create("/api/leads", owner.token, { firstName: "Lea", status: "new" });
    // A change to another field does not fire; contacted → qualified does not match previous = new.
    expect((await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { title: "CTO" } })).status).toBe(200);
    expect((await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { status: "contacted" } })).status).toBe(200);
    expect((await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { status: "qualified" } })).status).toBe(200);
    await settle();
    expect(await runsOf(wf.id)).toEqual([]);

    const second = await create("/api/leads", owner.token, { firstName: "Max", status: "new" });
    expect((await api(`/api/leads/${second.id}`, { method: "PATCH", token: owner.token, body: { status: "qualified" } })).status).toBe(200);
    const [run] = await finishedRuns(wf.id);
    expect(run).toMatchObject({ status: "succeeded", recordId: second.id });
    expect((run!.event as { changed: string[] }).changed).toContain("status");
  });

  it("reads linked records in and/or groups (the contact's company)", async () => {
    const owner = await registerAccount("runlinked");
    const retail = await create("/api/companies", owner.token, { name: "Shop Co", industry: "Retail" });
    const bank = await create("/api/companies", owner.token, { name: "Bank Co", industry: "Finance" });
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "record_created", entity: "contact" },
      conditions: {
        kind: "group",
        match: "any",
        conditions: [
          { kind: "field", field: "company.industry", operator: "eq", value: "retail" },
          {
            kind: "group",
            match: "all",
            conditions: [
              { kind: "field", field: "company.industry", operator: "eq", value: "Finance" },
              { kind: "field", field: "title", operator: "in", value: ["CFO", "CEO"] },
            ],
          },
        ],
      },
      actions: [{ id: "note", type: "create_note", body: "Matched" }],
    });
    const shopper = await create("/api/contacts", owner.token, { firstName: "Sam", companyId: retail.id });
    const banker = await create("/api/contacts", owner.token, { firstName: "Bea", companyId: bank.id, title: "Teller" });
    const cfo = await create("/api/contacts", owner.token, { firstName: "Cy", companyId: bank.id, title: "CFO" });
    const runs = await finishedRuns(wf.id, 2);
    await settle(800);
    expect((await runsOf(wf.id)).map((r) => r.recordId).sort()).toEqual([shopper.id, cfo.id].sort());
    expect(runs.every((r) => r.status === "succeeded")).toBe(true);
    expect(await notesOn(banker.id)).toEqual([]);

    const test = await api("/api/automation/rules/evaluate", {
      token: owner.token,
      body: { entity: "contact", recordId: banker.id, conditions: { kind: "group", match: "all", conditions: [{ kind: "field", field: "company.industry", operator: "eq", value: "Finance" }, { kind: "field", field: "title", operator: "eq", value: "CFO" }] } },
    });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body.data.matches).toBe(false);
    expect(test.body.data.results.map((r: { matches: boolean; actual: unknown }) => [r.matches, r.actual])).toEqual([[true, "Finance"], [false, "Teller"]]);
  });
});

describe("the loop guard", () => {
  it("runs a workflow that updates its own trigger record once, and records the re-triggered run as skipped", async () => {
    const owner = await registerAccount("runloop");
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "record_updated", entity: "contact" },
      actions: [{ id: "tag", type: "add_tags", tags: ["touched"] }],
    });
    const contact = await create("/api/contacts", owner.token, { firstName: "Lou" });
    expect((await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: owner.token, body: { title: "VP" } })).status).toBe(200);
    const runs = await finishedRuns(wf.id, 2);
    await settle();
    const all = await runsOf(wf.id);
    expect(all.map((r) => r.status)).toEqual(["succeeded", "skipped"]);
    expect(all[1]!.reason).toMatch(/loop guard/i);
    expect(all[1]!.origin).toMatchObject({ workflowId: wf.id, runId: runs[0]!.id, chain: [wf.id] });
    const row = await testDb().select().from(contacts).where(eq(contacts.id, contact.id)).get();
    expect(row?.tags).toEqual(["touched"]);
  });
});

describe("the owner's permissions and retries from the failed step", () => {
  it("fails the step the owner may not do, writes nothing for it, and a retry after the cause is fixed repeats no earlier step", async () => {
    const owner = await registerAccount("runretry");
    const agent = await addMember(owner, "agent");
    const colleague = await addMember(owner, "manager", "colleague");
    const wf = await enabledWorkflow(owner, {
      ownerId: agent.userId,
      trigger: { kind: "manual", entity: "contact" },
      actions: [
        { id: "note", type: "create_note", body: "Handing over {{firstName}}" },
        { id: "handover", type: "assign_owner", strategy: "fixed", userId: colleague.userId },
      ],
    });
    const contact = await create("/api/contacts", agent.token, { firstName: "Kim" });
    const started = await api(`/api/automation/workflows/${wf.id}/run`, { token: agent.token, body: { recordId: contact.id } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    const [failed] = await finishedRuns(wf.id);
    expect(failed).toMatchObject({ status: "failed", startedBy: agent.userId });
    expect(failed!.reason).toContain("handover");
    const steps = await testDb().select().from(automationRunSteps).where(eq(automationRunSteps.runId, failed!.id)).orderBy(automationRunSteps.position).all();
    expect(steps.map((s) => [s.stepKey, s.status])).toEqual([["note", "succeeded"], ["handover", "failed"]]);
    expect((await testDb().select().from(contacts).where(eq(contacts.id, contact.id)).get())?.ownerId).toBe(agent.userId);
    expect(await notesOn(contact.id)).toHaveLength(1);

    // A viewer may not retry; nothing changes.
    const viewer = await addMember(owner, "viewer");
    expectError(await api(`/api/automation/runs/${failed!.id}/retry`, { method: "POST", token: viewer.token }), 403, "forbidden");
    expect((await testDb().select().from(automationRuns).where(eq(automationRuns.id, failed!.id)).get())?.attempt).toBe(1);

    expect((await api(`/api/users/${agent.userId}`, { method: "PATCH", token: owner.token, body: { role: "manager" } })).status).toBe(200);
    const retried = await api(`/api/automation/runs/${failed!.id}/retry`, { method: "POST", token: owner.token });
    expect(retried.status, JSON.stringify(retried.body)).toBe(202);
    expect(retried.body.data).toMatchObject({ id: failed!.id, attempt: 2 });
    const done = await runSettled(owner.orgId, failed!.id, 2);
    expect(done.status).toBe("succeeded");
    expect(await notesOn(contact.id)).toHaveLength(1);
    expect((await testDb().select().from(contacts).where(eq(contacts.id, contact.id)).get())?.ownerId).toBe(colleague.userId);
    const after = await api(`/api/automation/runs/${failed!.id}`, { token: owner.token });
    expect(after.body.data.steps.map((s: { stepKey: string; status: string; attempts: number }) => [s.stepKey, s.status, s.attempts])).toEqual([
      ["note", "succeeded", 1],
      ["handover", "succeeded", 2],
    ]);
    expectError(await api(`/api/automation/runs/${failed!.id}/retry`, { method: "POST", token: owner.token }), 409, "conflict");
  });
});
