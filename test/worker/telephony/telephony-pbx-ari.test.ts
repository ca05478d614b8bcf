import { describe, expect, inject, it } from "vitest";
import { addMember, api, expectError, registerAccount, unique } from "../../helpers";
import { create } from "../../record-helpers";
import { addExtension, createPbx } from "./telephony-pbx-helpers";

const fake = inject("ariFakeUrl");

/** Polls `check` until it answers something truthy (the DO works asynchronously). */
async function eventually<T>(check: () => Promise<T>, what: string, timeoutMs = 10_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const clients = async (app: string) => ((await (await fetch(`${fake}/__fake/events/clients?app=${app}`)).json()) as { clients: number }).clients;
const emit = (app: string, events: unknown[]) => fetch(`${fake}/__fake/events?app=${app}`, { method: "POST", body: JSON.stringify(events) });
const ts = (ms: number) => new Date(ms).toISOString().replace("Z", "+0000");

function channel(id: string, name: string, state: string, extra: Record<string, unknown> = {}) {
  return { id, name, state, caller: { name: "", number: "+14155550132" }, connected: { name: "", number: "" }, accountcode: "", dialplan: { context: "from-trunk", exten: "+14155550100", priority: 1 }, creationtime: ts(Date.now()), language: "en", ...extra };
}

async function setup(label: string) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const app = unique("app");
  const pbx = await createPbx(owner, "asterisk", { application: app });
  await addExtension(owner, pbx.id, agent.userId, "1001");
  return { owner, agent, app, pbx };
}

describe("ARI event WebSocket (AriLink Durable Object)", () => {
  it("holds the socket and turns channel events into a call record matched to the contact", async () => {
    const { owner, agent, app, pbx } = await setup("arilink");
    const contact = await create("/api/contacts", owner.token, { firstName: "Wes", lastName: "Socket", phone: "+14155550132" });
    const started = await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "POST", token: owner.token });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.data).toMatchObject({ providerId: pbx.id, enabled: true, connected: true, lastError: null });
    await eventually(async () => (await clients(app)) === 1, "the DO's socket at the fake ARI");

    const t0 = Date.now() - 120_000;
    const vars = { channelvars: { NEURACRM_CALL_ID: "1795710000.11" } };
    const trunk = (state: string) => channel("1795710000.11", "PJSIP/trunk-00000011", state, vars);
    const desk = (state: string) => channel("1795710000.12", "PJSIP/1001-00000012", state, { ...vars, dialplan: { context: "from-internal", exten: "1001", priority: 1 } });
    await emit(app, [
      { type: "ChannelCreated", timestamp: ts(t0), channel: trunk("Ring") },
      { type: "ChannelStateChange", timestamp: ts(t0 + 1000), channel: trunk("Up") },
      { type: "ChannelCreated", timestamp: ts(t0 + 2000), channel: desk("Down") },
      { type: "ChannelStateChange", timestamp: ts(t0 + 3000), channel: desk("Ringing") },
      { type: "ChannelStateChange", timestamp: ts(t0 + 9000), channel: desk("Up") },
      { type: "ChannelHold", timestamp: ts(t0 + 20_000), channel: trunk("Up") },
      { type: "ChannelUnhold", timestamp: ts(t0 + 30_000), channel: trunk("Up") },
      { type: "ChannelDestroyed", timestamp: ts(t0 + 69_000), cause: 16, cause_txt: "Normal Clearing", channel: desk("Up") },
      { type: "ChannelDestroyed", timestamp: ts(t0 + 69_500), cause: 16, cause_txt: "Normal Clearing", channel: trunk("Up") },
      { type: "ChannelCreated", timestamp: ts(t0), channel: channel("1795710000.13", "Local/1001@from-queue-00000001;1", "Down") },
    ]);

    const call = await eventually(async () => {
      const res = await api(`/api/telephony/calls?providerId=${pbx.id}`, { token: owner.token });
      return res.body.data[0]?.status === "completed" ? res.body.data[0] : null;
    }, "the call to end");
    expect(call).toMatchObject({
      providerCallId: "1795710000.11",
      direction: "inbound",
      from: "+14155550132",
      to: "+14155550100",
      agentUserId: agent.userId,
      contactId: contact.id,
      startedAt: t0,
      ringingAt: t0 + 3000,
      answeredAt: t0 + 9000,
      endedAt: t0 + 69_000,
      ringSeconds: 9,
      holdSeconds: 10,
      talkSeconds: 50,
    });
    expect((await api("/api/telephony/calls", { token: owner.token })).body.meta.total).toBe(1);
    // Every event but the trunk going Up (an IVR answer, not an agent's) and the Local/ helper channel.
    await eventually(async () => (await api(`/api/telephony/pbx/${pbx.id}/link`, { token: owner.token })).body.data.eventsApplied === 8, "the event count");

    const stopped = await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "DELETE", token: owner.token });
    expect(stopped.body.data).toMatchObject({ enabled: false, connected: false });
    await eventually(async () => (await clients(app)) === 0, "the socket to close");
  });

  it("reports ARI's refusal and reconnects after the socket drops", async () => {
    const { owner, app, pbx } = await setup("arire");
    const wrong = await createPbx(owner, "asterisk", { application: app, password: "wrong" });
    const refused = await api(`/api/telephony/pbx/${wrong.id}/link`, { method: "POST", token: owner.token });
    expect(refused.body.data).toMatchObject({ connected: false, attempts: 1 });
    expect(refused.body.data.lastError).toContain("401");

    await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "POST", token: owner.token });
    await eventually(async () => (await clients(app)) === 1, "the first socket");
    await fetch(`${fake}/__fake/events/drop?app=${app}`, { method: "POST" });
    const dropped = await eventually(async () => {
      const s = (await api(`/api/telephony/pbx/${pbx.id}/link`, { token: owner.token })).body.data;
      return s.lastError ? s : null;
    }, "the drop to be noticed");
    expect(dropped.lastError).toContain("closed");
    // The alarm reopens it.
    await eventually(async () => (await clients(app)) === 1 && (await api(`/api/telephony/pbx/${pbx.id}/link`, { token: owner.token })).body.data.connected, "the reconnection");
    await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "DELETE", token: owner.token });
  });

  it("is for managers, for this organization's Asterisk / FreePBX providers only", async () => {
    const { owner, agent, pbx } = await setup("ariperm");
    expectError(await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "POST", token: agent.token }), 403, "forbidden");
    const other = await registerAccount("ariperm2");
    expectError(await api(`/api/telephony/pbx/${pbx.id}/link`, { method: "POST", token: other.token }), 404, "not_found");
    const cx = await api("/api/telephony/providers", { token: owner.token, body: { type: "3cx", name: "3CX" } });
    expectError(await api(`/api/telephony/pbx/${cx.body.data.id}/link`, { method: "POST", token: owner.token }), 404, "not_found");
  });
});
