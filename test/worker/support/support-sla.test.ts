import { runDurableObjectAlarm } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runScheduled } from "../../../worker/platform/scheduled-tasks";
import "../../../worker/support/sla/sla-breaches";
import { addBusinessMinutes } from "../../../worker/support/sla/business-time";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { joinRoom, until } from "../../room-client";
import { openTicketVia } from "./support-helpers";

const MIN = 60_000;
const ALWAYS = { timeZone: "UTC", workingDays: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 1440, holidays: [] };

async function policy(owner: Account, priority: string, firstResponseMinutes: number, resolutionMinutes: number) {
  const res = await api("/api/support/sla-policies", { method: "PUT", token: owner.token, body: { priority, firstResponseMinutes, resolutionMinutes } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

async function calendar(owner: Account, cal: object) {
  const res = await api("/api/support/calendar", { method: "PUT", token: owner.token, body: cal });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe("SLA policies and due times", () => {
  it("times a new ticket by its priority's policy in business minutes of the calendar", async () => {
    const owner = await registerAccount("sla");
    const cal = await calendar(owner, { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], startMinute: 540, endMinute: 1020, holidays: ["2026-12-25"] });
    const high = await policy(owner, "high", 60, 960);
    const t = await openTicketVia(owner, { priority: "high" });
    expect(t.slaPolicyId).toBe(high.id);
    expect(t.firstResponseDueAt).toBe(addBusinessMinutes(t.createdAt, 60, cal));
    expect(t.resolutionDueAt).toBe(addBusinessMinutes(t.createdAt, 960, cal));
    expect(t.sla.nextDueAt).toBe(t.firstResponseDueAt);
    expect(t.sla.remainingMs).toBeLessThanOrEqual(t.firstResponseDueAt - t.createdAt);
    const none = await openTicketVia(owner, { priority: "low" });
    expect(none.sla).toMatchObject({ state: "ok", policyId: null, nextDueAt: null, remainingMs: null });
    // A new priority re-times the ticket from its creation.
    const moved = await api(`/api/support/tickets/${none.id}`, { method: "PATCH", token: owner.token, body: { priority: "high" } });
    expect(moved.body.data.firstResponseDueAt).toBe(addBusinessMinutes(none.createdAt, 60, cal));
  });

  it("moves the clock to resolution after the first reply and stops it when solved", async () => {
    const owner = await registerAccount("slar");
    await calendar(owner, ALWAYS);
    await policy(owner, "normal", 30, 240);
    const t = await openTicketVia(owner);
    expect(t.firstResponseDueAt - t.createdAt).toBe(30 * MIN);
    const reply = await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "Looking" } });
    expect(reply.body.data.ticket.sla.nextDueAt).toBe(t.resolutionDueAt);
    const solved = await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "solved" } });
    expect(solved.body.data.sla).toMatchObject({ state: "ok", nextDueAt: null });
  });

  it("stops the resolution clock while pending and resumes it with the time that was left", async () => {
    const owner = await registerAccount("slap");
    await calendar(owner, ALWAYS);
    await policy(owner, "normal", 30, 240);
    const t = await openTicketVia(owner);
    await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "Can you send a screenshot?" } });
    const paused = (await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "pending" } })).body.data;
    expect(paused.slaPausedAt).toBeTypeOf("number");
    expect(paused.sla).toMatchObject({ paused: true, nextDueAt: null, state: "ok" });
    // Past the original target while waiting: no breach.
    await runScheduled(env, new Date(t.resolutionDueAt + MIN));
    expect((await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data.resolutionBreachedAt).toBeNull();
    const resumed = (await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "open" } })).body.data;
    expect(resumed.slaPausedAt).toBeNull();
    expect(resumed.resolutionDueAt - t.resolutionDueAt).toBe(resumed.updatedAt - paused.slaPausedAt);
    expect(resumed.sla).toMatchObject({ paused: false, nextDueAt: resumed.resolutionDueAt });
  });

  it("validates calendars and policies", async () => {
    const owner = await registerAccount("slav");
    expectError(await api("/api/support/calendar", { method: "PUT", token: owner.token, body: { ...ALWAYS, timeZone: "Mars/Olympus" } }), 400, "validation_error");
    expectError(await api("/api/support/calendar", { method: "PUT", token: owner.token, body: { ...ALWAYS, startMinute: 600, endMinute: 500 } }), 400, "validation_error");
    expectError(await api("/api/support/calendar", { method: "PUT", token: owner.token, body: { ...ALWAYS, holidays: ["25/12/2026"] } }), 400, "validation_error");
    expectError(await api("/api/support/sla-policies", { method: "PUT", token: owner.token, body: { priority: "high", firstResponseMinutes: 100, resolutionMinutes: 50 } }), 400, "validation_error");
    expect((await api("/api/support/calendar", { token: owner.token })).body.data).toMatchObject({ timeZone: "UTC", workingDays: [1, 2, 3, 4, 5] });
    const p = await policy(owner, "urgent", 15, 120);
    await policy(owner, "urgent", 20, 120);
    const list = await api("/api/support/sla-policies", { token: owner.token });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ id: p.id, firstResponseMinutes: 20 });
  });

  it("filters the list by SLA state", async () => {
    const owner = await registerAccount("slaf");
    await calendar(owner, ALWAYS);
    await policy(owner, "urgent", 30, 600);
    await policy(owner, "high", 600, 1200);
    const soon = await openTicketVia(owner, { priority: "urgent" });
    const later = await openTicketVia(owner, { priority: "high" });
    const untimed = await openTicketVia(owner, { priority: "low" });
    expect(soon.sla.state).toBe("breaching_soon");
    const ids = async (sla: string) =>
      (await api(`/api/support/tickets?sla=${sla}&sort=number`, { token: owner.token })).body.data.map((t: { id: string }) => t.id);
    expect(await ids("breaching_soon")).toEqual([soon.id]);
    expect(await ids("ok")).toEqual([later.id, untimed.id]);
    expect(await ids("breached")).toEqual([]);
    const view = await api("/api/support/tickets?view=breaching-soon", { token: owner.token });
    expect(view.body.data.map((t: { id: string }) => t.id)).toEqual([soon.id]);
  });
});

describe("SLA breach detection", () => {
  it("flags breaches on the scheduled run, notifies assignee and managers once, and publishes ticket_updated", async () => {
    const owner = await registerAccount("br");
    const agent = await addMember(owner, "agent");
    await calendar(owner, ALWAYS);
    await policy(owner, "high", 60, 240);
    const client = await joinRoom(owner.orgId, agent.token);
    const t = await openTicketVia(owner, { priority: "high", assigneeId: agent.userId });
    await api("/api/notifications/read-all", { method: "POST", token: agent.token });

    await runScheduled(env, new Date(t.createdAt + 30 * MIN));
    expect((await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data.firstResponseBreachedAt).toBeNull();

    const at = t.createdAt + 61 * MIN;
    await runScheduled(env, new Date(at));
    const flagged = (await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data;
    expect(flagged.firstResponseBreachedAt).toBe(at);
    expect(flagged.resolutionBreachedAt).toBeNull();
    expect(flagged.sla.state).toBe("breached");
    expect(flagged.sla.nextDueAt).toBe(t.resolutionDueAt);
    await until(() => client.events.some((e) => e.type === "ticket_updated" && e.data.ticket.firstResponseBreachedAt === at), "ticket_updated");

    // Running again (a cron tick racing the alarm) notifies nobody twice.
    await runScheduled(env, new Date(at + MIN));
    const agentInbox = await api("/api/notifications?unread=true", { token: agent.token });
    expect(agentInbox.body.data.map((n: { type: string }) => n.type)).toEqual(["sla_breached"]);
    const ownerInbox = await api("/api/notifications?unread=true", { token: owner.token });
    expect(ownerInbox.body.data.filter((n: { type: string }) => n.type === "sla_breached")).toHaveLength(1);

    await runScheduled(env, new Date(t.createdAt + 241 * MIN));
    const both = (await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data;
    expect(both.resolutionBreachedAt).toBe(t.createdAt + 241 * MIN);
    expect(both.sla.nextDueAt).toBeNull();
    expect((await api("/api/support/tickets?sla=breached", { token: owner.token })).body.data.map((x: { id: string }) => x.id)).toEqual([t.id]);
    const audit = await api(`/api/audit-log?entity=ticket&entityId=${t.id}&action=sla_breach`, { token: owner.token });
    expect(audit.body.data).toHaveLength(2);
    client.close();
  });

  it("does not flag a first response given in time", async () => {
    const owner = await registerAccount("brok");
    await calendar(owner, ALWAYS);
    await policy(owner, "high", 60, 240);
    const t = await openTicketVia(owner, { priority: "high" });
    await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "Hello" } });
    await runScheduled(env, new Date(t.createdAt + 90 * MIN));
    const after = (await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data;
    expect(after.firstResponseBreachedAt).toBeNull();
    expect(after.sla.state).not.toBe("breached");
  });

  it("arms the organization's SLA clock for the next due time", async () => {
    const owner = await registerAccount("clock");
    await calendar(owner, ALWAYS);
    await policy(owner, "urgent", 45, 300);
    const t = await openTicketVia(owner, { priority: "urgent" });
    const stub = env.SLA_CLOCK.get(env.SLA_CLOCK.idFromName(owner.orgId));
    expect(await stub.scheduledAt()).toBe(t.firstResponseDueAt);
    // Firing early flags nothing and re-arms for the same target.
    await runDurableObjectAlarm(stub);
    expect(await stub.scheduledAt()).toBe(t.firstResponseDueAt);
    expect((await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data.firstResponseBreachedAt).toBeNull();
  });
});
