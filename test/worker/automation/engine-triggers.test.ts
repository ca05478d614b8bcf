import { env } from "cloudflare:workers";
import { introspectWorkflow } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { activities, automationRuns, automationWorkflows, notifications, segmentMembers, segments, type DomainEvent, type WorkflowTrigger } from "../../../schema";
import { DOMAIN_EVENT_JOB } from "../../../schema/jobs";
import { publishDomainEvent } from "../../../worker/platform/domain-events";
import { triggerMatches } from "../../../worker/automation/workflows/trigger-matching";
import { nextFiring } from "../../../worker/automation/workflows/schedule-times";
import { runDueSchedules } from "../../../worker/automation/workflows/workflow-schedules";
import { alertRunFailed, FAILURE_ALERT_WINDOW_MS } from "../../../worker/automation/workflows/failure-alerts";
import { enabledWorkflow, finishedRuns, runsOf, settle } from "./engine-fixture";

const event = (type: DomainEvent["type"], extra: Partial<DomainEvent> = {}): DomainEvent => ({
  id: "e1",
  orgId: "o",
  type,
  entity: type.split(".")[0] as DomainEvent["entity"],
  entityId: "r",
  actorId: null,
  record: {},
  previous: null,
  changed: [],
  origin: null,
  context: null,
  occurredAt: 0,
  ...extra,
});

describe("trigger matching", () => {
  it("matches each trigger kind to its event and nothing else", () => {
    const cases: [WorkflowTrigger, DomainEvent, boolean][] = [
      [{ kind: "record_created", entity: "ticket" }, event("ticket.created"), true],
      [{ kind: "record_created", entity: "ticket" }, event("ticket.updated"), false],
      [{ kind: "record_updated", entity: "invoice" }, event("invoice.updated"), true],
      [{ kind: "record_deleted", entity: "call" }, event("call.deleted"), true],
      [{ kind: "record_deleted", entity: "call" }, event("deal.deleted"), false],
      [{ kind: "field_changed", entity: "deal", field: "amount" }, event("deal.updated", { changed: ["amount", "updatedAt"] }), true],
      [{ kind: "field_changed", entity: "deal", field: "amount" }, event("deal.updated", { changed: ["title"] }), false],
      [{ kind: "deal_stage_entered", stageId: "s2" }, event("deal.stage_entered", { context: { stageId: "s2" } }), true],
      [{ kind: "deal_stage_entered", stageId: "s2" }, event("deal.stage_entered", { context: { stageId: "s3" } }), false],
      [{ kind: "ticket_sla_breached" }, event("ticket.sla_breached"), true],
      [{ kind: "call_missed" }, event("call.missed"), true],
      [{ kind: "call_missed" }, event("call.updated"), false],
      [{ kind: "invoice_paid" }, event("invoice.paid"), true],
      [{ kind: "segment_entered", segmentId: "g1" }, event("segment.entered", { entity: "contact", context: { segmentId: "g1" } }), true],
      [{ kind: "segment_entered", segmentId: "g1" }, event("segment.left", { entity: "contact", context: { segmentId: "g1" } }), false],
      [{ kind: "segment_left", segmentId: "g1" }, event("segment.left", { entity: "contact", context: { segmentId: "g2" } }), false],
      [{ kind: "schedule", cron: "* * * * *", timeZone: "UTC" }, event("deal.created"), false],
      [{ kind: "manual", entity: "deal" }, event("deal.created"), false],
    ];
    for (const [trigger, ev, expected] of cases) expect([trigger, ev.type, triggerMatches(trigger, ev)]).toEqual([trigger, ev.type, expected]);
  });

  it("starts a deal_stage_entered workflow when a deal moves into its stage through REST, not for another stage", async () => {
    const owner = await registerAccount("trgstage");
    const pipeline = await defaultPipeline(owner.orgId);
    const [first, , , negotiation] = pipeline.stages;
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "deal_stage_entered", stageId: negotiation!.id },
      actions: [{ id: "task", type: "create_task", title: "Prepare the contract for {{title}}", assignTo: { kind: "record_owner" } }],
    });
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Big one", stageId: first!.id } })).body.data;
    expect((await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { stageId: pipeline.stages[1]!.id } })).status).toBe(200);
    expect((await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { stageId: negotiation!.id } })).status).toBe(200);
    const [run] = await finishedRuns(wf.id);
    await settle(800);
    expect(await runsOf(wf.id)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", entity: "deal", recordId: deal.id });
    const tasks = await testDb().select().from(activities).where(and(eq(activities.dealId, deal.id), eq(activities.type, "task"))).all();
    expect(tasks.map((t) => [t.subject, t.ownerId])).toEqual([["Prepare the contract for Big one", owner.userId]]);
  });

  // Segment membership events are the segments helper's to raise; here the event is published as they publish it.
  it("starts a segment_entered workflow from a published segment.entered event, once even when the event is delivered twice", async () => {
    const owner = await registerAccount("trgseg");
    const contact = await create("/api/contacts", owner.token, { firstName: "Vic" });
    // Written directly, so no membership evaluation of the segments helper raises its own event meanwhile.
    const segment = { id: `seg-${owner.orgId}`, orgId: owner.orgId, name: "Everyone", entity: "contact" as const, filter: {}, createdBy: owner.userId, createdAt: Date.now(), updatedAt: Date.now() };
    await testDb().insert(segments).values({ ...segment, memberCount: 1, evaluatedAt: Date.now() });
    await testDb().insert(segmentMembers).values({ segmentId: segment.id, recordId: contact.id, orgId: owner.orgId, enteredAt: Date.now() });
    const wf = await enabledWorkflow(owner, { trigger: { kind: "segment_entered", segmentId: segment.id }, actions: [{ id: "tell", type: "notify", recipients: [{ kind: "record_owner" }], title: "{{firstName}} joined" }] });
    const published = await publishDomainEvent(env, {
      orgId: owner.orgId,
      type: "segment.entered",
      entity: "contact",
      entityId: contact.id,
      record: contact,
      context: { segmentId: segment.id, segmentName: "Everyone" },
      actor: null,
    });
    await env.JOBS.send({ type: DOMAIN_EVENT_JOB, event: published });
    const [run] = await finishedRuns(wf.id);
    await settle(1000);
    expect((await runsOf(wf.id)).map((r) => [r.eventId, r.event.type, r.event.context])).toEqual([[published.id, "segment.entered", { segmentId: segment.id, segmentName: "Everyone" }]]);
    expect(run).toMatchObject({ status: "succeeded", eventId: published.id, recordId: contact.id });
  });
});

describe("branches and waits", () => {
  it("takes the branch the fresh record matches and sleeps through a wait (sleeps disabled in tests)", async () => {
    await using introspector = await introspectWorkflow(env.AUTOMATION_RUNS);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const owner = await registerAccount("trgbranch");
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "manual", entity: "contact" },
      actions: [
        { id: "pause", type: "wait", mode: "delay", minutes: 60 * 24 },
        {
          id: "vip",
          type: "branch",
          condition: { kind: "group", match: "all", conditions: [{ kind: "field", field: "tags", operator: "contains", value: "vip" }] },
          then: [{ id: "vipnote", type: "create_note", body: "VIP follow-up" }],
          else: [{ id: "plainnote", type: "create_note", body: "Regular follow-up" }],
        },
      ],
    });
    const contact = await create("/api/contacts", owner.token, { firstName: "Val", tags: ["vip"] });
    expect((await api(`/api/automation/workflows/${wf.id}/run`, { token: owner.token, body: { recordId: contact.id } })).status).toBe(202);
    const [run] = await finishedRuns(wf.id);
    expect(run!.status, run!.reason ?? "").toBe("succeeded");
    const detail = (await api(`/api/automation/runs/${run!.id}`, { token: owner.token })).body.data;
    expect(detail.steps.map((s: { stepKey: string; status: string }) => [s.stepKey, s.status])).toEqual([
      ["pause", "succeeded"],
      ["vip.then", "succeeded"],
      ["vipnote", "succeeded"],
    ]);
    const notes = await testDb().select().from(activities).where(and(eq(activities.contactId, contact.id), eq(activities.type, "note"))).all();
    expect(notes.map((n) => n.body)).toEqual(["VIP follow-up"]);
  });
});

describe("the owner's authority at run time", () => {
  it("fails a run whose owner left the organization, doing nothing", async () => {
    const owner = await registerAccount("trgleft");
    const manager = await addMember(owner, "manager");
    const wf = await enabledWorkflow(manager, { trigger: { kind: "manual", entity: "contact" }, actions: [{ id: "n", type: "create_note", body: "Should not exist" }] });
    const contact = await create("/api/contacts", owner.token, { firstName: "Orphan" });
    expect((await api(`/api/users/${manager.userId}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect((await api(`/api/automation/workflows/${wf.id}/run`, { token: owner.token, body: { recordId: contact.id } })).status).toBe(202);
    const [run] = await finishedRuns(wf.id);
    expect(run!.status).toBe("failed");
    expect(run!.reason).toMatch(/no longer a member/);
    expect(await testDb().select().from(activities).where(eq(activities.contactId, contact.id)).all()).toEqual([]);
  });

  it("waits until a date field of the fresh record (sleeps disabled in tests)", async () => {
    await using introspector = await introspectWorkflow(env.AUTOMATION_RUNS);
    await introspector.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const owner = await registerAccount("trguntil");
    const pipeline = await defaultPipeline(owner.orgId);
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "manual", entity: "deal" },
      actions: [
        { id: "beforeClose", type: "wait", mode: "until_field", field: "closeDate", offsetMinutes: -24 * 60 },
        { id: "remind", type: "create_task", title: "{{title}} closes tomorrow", assignTo: { kind: "record_owner" } },
      ],
    });
    const closeDate = new Date(Date.now() + 30 * 86_400_000).toISOString().slice(0, 10);
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Renewal", stageId: pipeline.stages[0]!.id, closeDate } })).body.data;
    expect((await api(`/api/automation/workflows/${wf.id}/run`, { token: owner.token, body: { recordId: deal.id } })).status).toBe(202);
    const [run] = await finishedRuns(wf.id);
    expect(run!.status, run!.reason ?? "").toBe("succeeded");
    const detail = (await api(`/api/automation/runs/${run!.id}`, { token: owner.token })).body.data;
    expect(detail.steps[0]).toMatchObject({ stepKey: "beforeClose", status: "succeeded", output: { waitedUntil: Date.parse(closeDate) - 86_400_000 } });
    expect(detail.steps[1]).toMatchObject({ stepKey: "remind", status: "succeeded" });
  });
});

describe("schedules", () => {
  it("computes the next firing in the workflow's time zone, across a daylight-saving change", () => {
    // 2026-03-07 15:00 UTC (a Saturday): New York is on EST (UTC-5) until 2026-03-08 02:00 local.
    const now = Date.UTC(2026, 2, 7, 15, 0);
    expect(new Date(nextFiring("0 9 * * *", "America/New_York", now)!).toISOString()).toBe("2026-03-08T13:00:00.000Z");
    expect(new Date(nextFiring("0 9 * * *", "America/New_York", Date.UTC(2026, 2, 6, 12, 0))!).toISOString()).toBe("2026-03-06T14:00:00.000Z");
    expect(new Date(nextFiring("30 8 * * 1", "Asia/Kolkata", now)!).toISOString()).toBe("2026-03-09T03:00:00.000Z");
  });

  it("starts a due schedule once when two ticks overlap, and moves it to the next firing", async () => {
    const owner = await registerAccount("trgcron");
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "schedule", cron: "*/15 * * * *", timeZone: "Europe/Berlin" },
      actions: [{ id: "ping", type: "notify", recipients: [{ kind: "role", role: "owner" }], title: "Quarter hour" }],
    });
    const now = Date.now();
    await testDb().update(automationWorkflows).set({ nextRunAt: now - 60_000 }).where(eq(automationWorkflows.id, wf.id));
    await Promise.all([runDueSchedules(env, now), runDueSchedules(env, now)]);
    const [run] = await finishedRuns(wf.id);
    expect(await runsOf(wf.id)).toHaveLength(1);
    expect(run).toMatchObject({ status: "succeeded", entity: null, recordId: null });
    const next = (await testDb().select().from(automationWorkflows).where(eq(automationWorkflows.id, wf.id)).get())!.nextRunAt!;
    expect(next).toBe(nextFiring("*/15 * * * *", "Europe/Berlin", now));
    expect(await runDueSchedules(env, now)).toBe(0);
  });
});

describe("failure alerts", () => {
  it("alerts the owner at most once per workflow per hour", async () => {
    const owner = await registerAccount("trgalert");
    const wf = await enabledWorkflow(owner, { trigger: { kind: "manual", entity: "contact" }, actions: [{ id: "n", type: "create_note", body: "x" }] });
    const row = (await testDb().select().from(automationWorkflows).where(eq(automationWorkflows.id, wf.id)).get())!;
    const run = { id: "run-1" } as never;
    const now = Date.now();
    const results = await Promise.all([alertRunFailed(env, row, run, "boom", now), alertRunFailed(env, row, run, "boom", now + 1)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await alertRunFailed(env, row, run, "boom", now + FAILURE_ALERT_WINDOW_MS - 1)).toBe(false);
    expect(await alertRunFailed(env, row, run, "boom", now + FAILURE_ALERT_WINDOW_MS + 1)).toBe(true);
    const sent = await testDb().select().from(notifications).where(and(eq(notifications.userId, owner.userId), eq(notifications.type, "workflow_failed"))).all();
    expect(sent).toHaveLength(2);
    expect(sent[0]!.link).toBe(`/automation/workflows/${wf.id}/runs/run-1`);
  });
});

describe("manual runs and tenancy", () => {
  it("lets a member run a workflow only on records they can see, and answers 404 across organizations", async () => {
    const owner = await registerAccount("trgmanual");
    await restrictToOwnRecords(owner);
    const agent = await addMember(owner, "agent");
    const wf = await enabledWorkflow(owner, { trigger: { kind: "manual", entity: "contact" }, actions: [{ id: "n", type: "create_note", body: "Manual" }] });
    const ownersContact = await create("/api/contacts", owner.token, { firstName: "Hidden" });
    const agentsContact = await create("/api/contacts", agent.token, { firstName: "Mine" });
    expectError(await api(`/api/automation/workflows/${wf.id}/run`, { token: agent.token, body: { recordId: ownersContact.id } }), 404, "not_found");
    const started = await api(`/api/automation/workflows/${wf.id}/run`, { token: agent.token, body: { recordId: agentsContact.id } });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body.data).toMatchObject({ workflowId: wf.id, recordId: agentsContact.id, startedBy: agent.userId });
    const [run] = await finishedRuns(wf.id);
    expect(run!.status).toBe("succeeded");

    const stranger = await registerAccount("trgstranger");
    expectError(await api(`/api/automation/workflows/${wf.id}/run`, { token: stranger.token, body: { recordId: agentsContact.id } }), 404, "not_found");
    expectError(await api(`/api/automation/runs/${run!.id}`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/automation/runs/${run!.id}/retry`, { method: "POST", token: stranger.token }), 404, "not_found");
    expect((await api("/api/automation/runs", { token: stranger.token })).body.data).toEqual([]);
    expectError(
      await api("/api/automation/rules/evaluate", { token: stranger.token, body: { entity: "contact", recordId: agentsContact.id, conditions: { kind: "group", match: "all", conditions: [] } } }),
      404,
      "not_found",
    );
    expect(await runsOf(wf.id)).toHaveLength(1);

    const disabled = await api(`/api/automation/workflows/${wf.id}/disable`, { method: "POST", token: owner.token });
    expect(disabled.status).toBe(200);
    expectError(await api(`/api/automation/workflows/${wf.id}/run`, { token: owner.token, body: { recordId: agentsContact.id } }), 409, "conflict");
    const all = await testDb().select().from(automationRuns).where(eq(automationRuns.workflowId, wf.id)).all();
    expect(all).toHaveLength(1);
  });
});
