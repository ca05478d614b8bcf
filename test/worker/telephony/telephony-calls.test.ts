import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { AppError } from "../../../worker/platform/errors";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";
import { applyAll, callSid, createProvider, setStatus } from "../../telephony-helpers";

async function connect(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

const T = Date.UTC(2026, 10, 20, 15, 0, 0);
const S = 1000;

async function agentStatus(account: { token: string }) {
  return (await api("/api/agents/me", { token: account.token })).body.data.status as string;
}

async function setup(label: string) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const provider = await createProvider(owner);
  const queue = (await api("/api/telephony/queues", { token: owner.token, body: { name: "Main", members: [{ userId: agent.userId }] } })).body.data;
  return { owner, agent, provider, queue };
}

describe("applyCallEvent", () => {
  it("turns an inbound call's events into one call record matched to the contact, with its timeline and a call activity", async () => {
    const { owner, agent, provider, queue } = await setup("tcin");
    const contact = await create("/api/contacts", owner.token, { firstName: "Carla", lastName: "Caller", phone: "415 555 0132" });
    await setStatus(agent, "available");
    const sid = callSid();
    const base = { providerId: provider.id, providerCallId: sid, direction: "inbound" as const, from: "(415) 555-0132", to: "+14155550100", queueId: queue.id };

    const first = await applyCallEvent(env, owner.orgId, { ...base, status: "ringing", at: T, agentUserId: agent.userId });
    expect(first).toMatchObject({ applied: true, created: true, ended: false });
    expect(first.call).toMatchObject({ from: "+14155550132", to: "+14155550100", contactId: contact.id, partyName: "Carla Caller", status: "ringing" });
    expect(await agentStatus(agent)).toBe("busy");

    await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: T + 10 * S });
    const end = await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 70 * S });
    expect(end).toMatchObject({ applied: true, ended: true });
    expect(end.call).toMatchObject({ status: "completed", ringSeconds: 10, talkSeconds: 60, holdSeconds: 0, durationSeconds: 70, answeredAt: T + 10 * S, endedAt: T + 70 * S, agentUserId: agent.userId, queueId: queue.id });
    expect(await agentStatus(agent)).toBe("wrap_up");

    const list = await api("/api/telephony/calls", { token: owner.token });
    expect(list.body.data).toHaveLength(1);
    expect(list.body.data[0]).toMatchObject({ providerCallId: sid, status: "completed", direction: "inbound", from: "+14155550132", to: "+14155550100", durationSeconds: 70, contactId: contact.id });

    const detail = await api(`/api/telephony/calls/${end.call.id}`, { token: owner.token });
    expect(detail.body.data.timeline.map((t: any) => t.type)).toEqual(["ringing", "answered", "ended"]);

    const timeline = await api(`/api/activities?contactId=${contact.id}`, { token: owner.token });
    expect(timeline.body.data).toHaveLength(1);
    expect(timeline.body.data[0]).toMatchObject({ type: "call", subject: "Inbound call from +14155550132", contactId: contact.id, ownerId: agent.userId, doneAt: T + 70 * S });
    expect(timeline.body.data[0].body).toContain("Duration: 1m 10s");

    const wrap = await api(`/api/telephony/calls/${end.call.id}`, { method: "PATCH", token: agent.token, body: { disposition: "resolved", notes: "Reset the password" } });
    expect(wrap.status, JSON.stringify(wrap.body)).toBe(200);
    expect(wrap.body.data).toMatchObject({ disposition: "resolved", notes: "Reset the password" });
    expect(wrap.body.data.wrapUpSeconds).toBeGreaterThanOrEqual(0);
    expect(wrap.body.data.timeline.at(-1)).toMatchObject({ type: "disposition", actorId: agent.userId });
    expect(await agentStatus(agent)).toBe("available");
    const activity = (await api(`/api/activities/${end.call.activityId}`, { token: owner.token })).body.data;
    expect(activity.body).toContain("Disposition: resolved");
    expect(activity.body).toContain("Notes: Reset the password");
  });

  it("applies a repeated event once, and concurrent duplicates once", async () => {
    const { owner, provider } = await setup("tcdup");
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550177", to: "+14155550100" };
    const ring = { ...base, status: "ringing" as const, at: T, eventId: "evt-1" };
    expect((await applyCallEvent(env, owner.orgId, ring)).applied).toBe(true);
    expect((await applyCallEvent(env, owner.orgId, ring)).applied).toBe(false);

    const burst = await Promise.all([
      ...Array.from({ length: 4 }, () => applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: T + 5 * S })),
      ...Array.from({ length: 4 }, () => applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 65 * S })),
    ]);
    expect(burst.filter((r) => r.applied)).toHaveLength(2);
    expect(burst.filter((r) => r.ended)).toHaveLength(1);

    const calls = await api(`/api/telephony/calls?q=0177`, { token: owner.token });
    expect(calls.body.data).toHaveLength(1);
    expect(calls.body.data[0]).toMatchObject({ status: "completed", ringSeconds: 5, talkSeconds: 60, durationSeconds: 65 });
    const detail = await api(`/api/telephony/calls/${calls.body.data[0].id}`, { token: owner.token });
    expect(detail.body.data.timeline.map((t: any) => t.type)).toEqual(["ringing", "answered", "ended"]);
  });

  it("reaches the same record whatever order the events arrive in; a late ringing does not reopen a call", async () => {
    const { owner, provider } = await setup("tcorder");
    const steps: [any, number][] = [
      ["ringing", T],
      ["in_progress", T + 8 * S],
      ["on_hold", T + 20 * S],
      ["resumed", T + 35 * S],
      ["completed", T + 100 * S],
    ];
    const inOrder = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), direction: "outbound", from: "agent-1", to: "+14155550142" }, steps);
    const reversedSid = callSid();
    const reversed = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: reversedSid, direction: "outbound", from: "agent-1", to: "+14155550142" }, [
      steps[4]!,
      steps[1]!,
      steps[0]!,
    ]);
    const shuffled = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), direction: "outbound", from: "agent-1", to: "+14155550142" }, [
      steps[3]!,
      steps[4]!,
      steps[0]!,
      steps[2]!,
      steps[1]!,
    ]);
    const pick = (c: any) => ({ status: c.status, startedAt: c.startedAt, answeredAt: c.answeredAt, endedAt: c.endedAt, ringSeconds: c.ringSeconds, durationSeconds: c.durationSeconds });
    expect(pick(reversed.call)).toEqual(pick(inOrder.call));
    const withHold = (c: any) => ({ ...pick(c), holdSeconds: c.holdSeconds, talkSeconds: c.talkSeconds });
    expect(withHold(shuffled.call)).toEqual(withHold(inOrder.call));
    expect(inOrder.call).toMatchObject({ status: "completed", holdSeconds: 15, talkSeconds: 77, ringSeconds: 8, durationSeconds: 100, from: "agent-1", to: "+14155550142" });

    const late = await applyCallEvent(env, owner.orgId, { providerId: provider.id, providerCallId: reversedSid, status: "ringing", at: T + 150 * S });
    expect(late.applied).toBe(true);
    expect(late.call.status).toBe("completed");
    expect(late.call.endedAt).toBe(T + 100 * S);
    const lateAnswer = await applyCallEvent(env, owner.orgId, { providerId: provider.id, providerCallId: reversedSid, status: "in_progress", at: T + 120 * S });
    expect(lateAnswer.call).toMatchObject({ status: "completed", answeredAt: T + 8 * S });
  });

  it("tracks hold: on hold now, and a hold still open at the end counts until the end", async () => {
    const { owner, provider } = await setup("tchold");
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550188", to: "+14155550100" };
    const held = await applyAll(owner.orgId, base, [["in_progress", T], ["on_hold", T + 10 * S]]);
    expect(held.call.status).toBe("on_hold");
    const back = await applyCallEvent(env, owner.orgId, { ...base, status: "resumed", at: T + 12 * S });
    expect(back.call).toMatchObject({ status: "in_progress", holdSeconds: 2 });
    await applyCallEvent(env, owner.orgId, { ...base, status: "on_hold", at: T + 20 * S });
    const end = await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 50 * S });
    expect(end.call).toMatchObject({ status: "completed", holdSeconds: 32, talkSeconds: 18, durationSeconds: 50 });
  });

  it("attaches a recording after the end without changing the call's state", async () => {
    const { owner, provider } = await setup("tcrec");
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "outbound" as const, from: "client:agent-7", to: "415.555.0144" };
    const done = await applyAll(owner.orgId, base, [["initiated", T], ["in_progress", T + 4 * S], ["completed", T + 64 * S]]);
    expect(done.call).toMatchObject({ from: "client:agent-7", to: "+14155550144", recording: null });
    const rec = await applyCallEvent(env, owner.orgId, {
      ...base,
      status: "recording",
      at: T + 66 * S,
      eventId: "RE123",
      recording: { key: `${owner.orgId}/recordings/RE123.mp3`, providerRecordingId: "RE123", durationSeconds: 59 },
    });
    expect(rec).toMatchObject({ applied: true, ended: false });
    expect(rec.call).toMatchObject({ status: "completed", durationSeconds: 64, talkSeconds: 60, recording: { available: true, providerRecordingId: "RE123", durationSeconds: 59 } });
    expect(JSON.stringify(rec.call)).not.toContain("recordings/RE123.mp3");
    const detail = await api(`/api/telephony/calls/${rec.call.id}`, { token: owner.token });
    expect(detail.body.data.timeline.map((t: any) => t.type)).toEqual(["initiated", "answered", "ended", "recording"]);
  });

  it("records a missed call, frees the agent it rang and matches a lead in the organization's country", async () => {
    const { owner, agent, provider } = await setup("tcmiss");
    await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { defaultCountry: "GB" } } });
    const lead = await create("/api/leads", owner.token, { firstName: "Liam", lastName: "Lead", phone: "020 7946 0958" });
    await setStatus(agent, "available");
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "020 7946 0958", to: "+442079460000" };
    await applyCallEvent(env, owner.orgId, { ...base, status: "ringing", at: T, agentUserId: agent.userId });
    expect(await agentStatus(agent)).toBe("busy");
    const end = await applyCallEvent(env, owner.orgId, { ...base, status: "no_answer", at: T + 30 * S });
    expect(end.call).toMatchObject({ status: "no_answer", from: "+442079460958", leadId: lead.id, contactId: null, answeredAt: null, ringSeconds: 30, talkSeconds: 0 });
    expect(await agentStatus(agent)).toBe("available");
    const timeline = await api(`/api/activities?leadId=${lead.id}`, { token: owner.token });
    expect(timeline.body.data.map((a: any) => a.subject)).toEqual(["Missed call from +442079460958"]);
  });

  it("pushes call_started, call_ended and queue_updated to the organization room", async () => {
    const { owner, agent, provider, queue } = await setup("tcroom");
    const contact = await create("/api/contacts", owner.token, { firstName: "Rita", phone: "+14155550155" });
    const room = await joinRoom(owner.orgId, agent.token);
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550155", to: "+14155550100" };
    await applyCallEvent(env, owner.orgId, { ...base, status: "queued", at: T, queueId: queue.id });
    await until(() => room.events.some((e) => e.type === "call_started"), "call_started");
    const started = room.events.find((e) => e.type === "call_started")!;
    expect(started.data.call).toMatchObject({ providerCallId: base.providerCallId, contactId: contact.id, partyName: "Rita", status: "queued" });
    await until(() => room.events.some((e) => e.type === "queue_updated" && e.data.waiting === 1), "queue_updated waiting 1");

    await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: T + 4 * S, agentUserId: agent.userId });
    await until(() => room.events.some((e) => e.type === "call_updated" && e.data.call.status === "in_progress"), "call_updated");
    await until(() => room.events.some((e) => e.type === "queue_updated" && e.data.waiting === 0), "queue_updated waiting 0");
    await until(() => room.events.some((e) => e.type === "agent_status_changed" && e.data.userId === agent.userId && e.data.status === "busy"), "agent busy");

    await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 64 * S });
    await until(() => room.events.some((e) => e.type === "call_ended"), "call_ended");
    expect(room.events.find((e) => e.type === "call_ended")!.data.call).toMatchObject({ status: "completed", talkSeconds: 60, durationSeconds: 64 });
    room.close();
  });

  it("sends call events only to the call's agent and managers when agents see only their own records", async () => {
    const { owner, agent, provider } = await setup("tcaud");
    const other = await addMember(owner, "agent", "tcaudother");
    const contact = await create("/api/contacts", owner.token, { firstName: "Ola", phone: "+14155550166" });
    await restrictToOwnRecords(owner);
    const ownerRoom = await joinRoom(owner.orgId, owner.token);
    // Restricted agents get events but no board document, so they never "sync".
    const agentRoom = await connect(owner.orgId, agent.token);
    const otherRoom = await connect(owner.orgId, other.token);
    const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550166", to: "+14155550100", agentUserId: agent.userId };
    await applyAll(owner.orgId, base, [["ringing", T], ["in_progress", T + 3 * S], ["completed", T + 33 * S]]);
    for (const room of [ownerRoom, agentRoom]) {
      await until(() => room.events.some((e) => e.type === "call_ended"), "call_ended");
      await until(() => room.events.some((e) => e.type === "activity_changed" && e.data.activity.contactId === contact.id), "activity_changed");
      expect(room.events.some((e) => e.type === "call_started")).toBe(true);
    }
    const title = crypto.randomUUID();
    await publishEvent(env, owner.orgId, "notification", { title } as never);
    await until(() => otherRoom.events.some((e) => e.data?.title === title), "the marker");
    expect(otherRoom.events.filter((e) => e.type.startsWith("call_") || e.type === "activity_changed")).toEqual([]);
    for (const room of [ownerRoom, agentRoom, otherRoom]) room.close();
  });

  it("refuses another organization's provider, agent or queue", async () => {
    const a = await setup("tcxa");
    const b = await setup("tcxb");
    const base = { providerCallId: callSid(), status: "ringing" as const, at: T, from: "+14155550123", to: "+14155550100" };
    await expect(applyCallEvent(env, a.owner.orgId, { ...base, providerId: b.provider.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(applyCallEvent(env, a.owner.orgId, { ...base, providerId: a.provider.id, agentUserId: b.agent.userId })).rejects.toBeInstanceOf(AppError);
    await expect(applyCallEvent(env, a.owner.orgId, { ...base, providerId: a.provider.id, queueId: b.queue.id })).rejects.toMatchObject({ code: "validation_error" });
    expect((await api("/api/telephony/calls", { token: a.owner.token })).body.data).toEqual([]);
  });
});

describe("calls API", () => {
  it("filters, sorts and paginates the call log", async () => {
    const { owner, agent, provider, queue } = await setup("tclist");
    const contact = await create("/api/contacts", owner.token, { firstName: "Filter", phone: "+14155550161" });
    const mk = (from: string, direction: "inbound" | "outbound", at: number, steps: [any, number][], extra: Record<string, unknown> = {}) =>
      applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), direction, from, to: direction === "outbound" ? from : "+14155550100", ...extra }, steps.map(([s, dt]) => [s, at + dt * S]));
    const c1 = await mk("+14155550161", "inbound", T, [["ringing", 0], ["in_progress", 5], ["completed", 65]], { agentUserId: agent.userId, queueId: queue.id });
    const c2 = await mk("+14155550162", "inbound", T + 3600 * S, [["ringing", 0], ["no_answer", 20]], { queueId: queue.id });
    const c3 = await mk("+14155550163", "outbound", T + 86400 * S, [["initiated", 0], ["in_progress", 3], ["completed", 303]], { agentUserId: owner.userId });
    const ids = async (qs: string) => {
      const res = await api(`/api/telephony/calls?${qs}`, { token: owner.token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.map((c: any) => c.id);
    };
    expect(await ids("")).toEqual([c3.call.id, c2.call.id, c1.call.id]);
    expect(await ids("sort=startedAt")).toEqual([c1.call.id, c2.call.id, c3.call.id]);
    expect(await ids("sort=-durationSeconds")).toEqual([c3.call.id, c1.call.id, c2.call.id]);
    expect(await ids("status=no_answer")).toEqual([c2.call.id]);
    expect(await ids("status=completed,no_answer&direction=inbound")).toEqual([c2.call.id, c1.call.id]);
    expect(await ids("direction=outbound")).toEqual([c3.call.id]);
    expect(await ids(`agentUserId=${agent.userId}`)).toEqual([c1.call.id]);
    expect(await ids(`queueId=${queue.id}`)).toEqual([c2.call.id, c1.call.id]);
    expect(await ids(`contactId=${contact.id}`)).toEqual([c1.call.id]);
    expect(await ids("answered=false")).toEqual([c2.call.id]);
    expect(await ids("q=555-0163")).toEqual([c3.call.id]);
    expect(await ids(`from=${T + 1}&to=${T + 86400 * S}`)).toEqual([c2.call.id]);
    expect(await ids("from=2026-11-21")).toEqual([c3.call.id]);
    expect(await ids("to=2026-11-20")).toEqual([c2.call.id, c1.call.id]);
    const page = await api("/api/telephony/calls?per_page=2&page=2", { token: owner.token });
    expect(page.body.meta).toEqual({ page: 2, per_page: 2, total: 3 });
    expect(page.body.data.map((c: any) => c.id)).toEqual([c1.call.id]);

    for (const bad of ["status=bogus", "direction=sideways", "sort=from", "from=yesterday", "per_page=1000"]) {
      expectError(await api(`/api/telephony/calls?${bad}`, { token: owner.token }), 400, "validation_error");
    }
  });

  it("shows agents only their own calls when the organization restricts records, and keeps viewers read-only", async () => {
    const { owner, agent, provider } = await setup("tcown");
    const viewer = await addMember(owner, "viewer");
    const mine = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), from: "+14155550171", to: "+14155550100", agentUserId: agent.userId }, [["ringing", Date.now() - 5 * S]]);
    const theirs = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), from: "+14155550172", to: "+14155550100", agentUserId: owner.userId }, [["ringing", Date.now() - 4 * S]]);
    expect((await api("/api/telephony/calls", { token: agent.token })).body.data).toHaveLength(2);
    await restrictToOwnRecords(owner);
    expect((await api("/api/telephony/calls", { token: agent.token })).body.data.map((c: any) => c.id)).toEqual([mine.call.id]);
    expectError(await api(`/api/telephony/calls/${theirs.call.id}`, { token: agent.token }), 404, "not_found");
    expectError(await api(`/api/telephony/calls/${theirs.call.id}`, { method: "PATCH", token: agent.token, body: { notes: "x" } }), 404, "not_found");
    expect((await api("/api/telephony/live", { token: agent.token })).body.data.activeCalls.map((c: any) => c.id)).toEqual([mine.call.id]);
    expect((await api("/api/telephony/calls", { token: viewer.token })).body.data).toHaveLength(2);
    expectError(await api(`/api/telephony/calls/${mine.call.id}`, { method: "PATCH", token: viewer.token, body: { notes: "x" } }), 403, "forbidden");
  });

  it("answers 404 for another organization's call and 400 for an empty wrap-up", async () => {
    const a = await setup("tcx1");
    const b = await registerAccount("tcx2");
    const call = await applyAll(a.owner.orgId, { providerId: a.provider.id, providerCallId: callSid(), from: "+14155550181", to: "+14155550100" }, [["ringing", T]]);
    expectError(await api(`/api/telephony/calls/${call.call.id}`, { token: b.token }), 404, "not_found");
    expectError(await api(`/api/telephony/calls/${call.call.id}`, { method: "PATCH", token: b.token, body: { notes: "mine" } }), 404, "not_found");
    expect((await api("/api/telephony/calls", { token: b.token })).body.data).toEqual([]);
    expect((await api("/api/telephony/live", { token: b.token })).body.data.activeCalls).toEqual([]);
    expectError(await api(`/api/telephony/calls/${call.call.id}`, { method: "PATCH", token: a.owner.token, body: {} }), 400, "validation_error");
    expectError(await api(`/api/telephony/calls/${call.call.id}`, { method: "PATCH", token: a.owner.token, body: { disposition: 5 } }), 400, "validation_error");
  });
});
