import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create } from "../../record-helpers";
import { createProvider } from "../../telephony-helpers";
import { addExtension, createPbx, pushEvent, uniqueId } from "./telephony-pbx-helpers";

const NOW = Math.floor(Date.now() / 1000);
/** Event times in the recent past, as unix seconds with Asterisk's ${EPOCH} precision. */
const at = (offsetSeconds: number) => NOW - 600 + offsetSeconds;

async function callsOf(token: string) {
  return (await api("/api/telephony/calls?per_page=100", { token })).body;
}

async function countRows(orgId: string) {
  const calls = await env.DB.prepare("SELECT count(*) AS n FROM calls WHERE org_id = ?").bind(orgId).first<{ n: number }>();
  const timeline = await env.DB.prepare("SELECT count(*) AS n FROM call_activities WHERE org_id = ?").bind(orgId).first<{ n: number }>();
  return { calls: calls!.n, timeline: timeline!.n };
}

async function setup(label: string) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const pbx = await createPbx(owner);
  await addExtension(owner, pbx.id, agent.userId, "1001");
  const queue = (await api("/api/telephony/queues", { token: owner.token, body: { name: "Sales", members: [{ userId: agent.userId }] } })).body.data;
  return { owner, agent, pbx, queue };
}

describe("signed dialplan events", () => {
  it("turn a full inbound call into one call record with timings, the contact, the queue, the agent and a call activity", async () => {
    const { owner, agent, pbx, queue } = await setup("pbxev");
    const contact = await create("/api/contacts", owner.token, { firstName: "Carla", lastName: "Caller", phone: "+1 415 555 0132" });
    const linkedid = uniqueId();
    const base = { uniqueid: linkedid, linkedid, from: "4155550132", to: "+14155550100" };
    const steps: Record<string, string | number>[] = [
      { ...base, event: "start", timestamp: at(0) },
      { ...base, event: "queued", queue: "sales", timestamp: at(1) },
      { ...base, event: "ringing", agent: "1001", timestamp: at(5) },
      { ...base, event: "answered", agent: "1001", timestamp: at(12) },
      { ...base, event: "hold", timestamp: at(60) },
      { ...base, event: "unhold", timestamp: at(90) },
      { ...base, event: "hangup", dialstatus: "ANSWER", hangupcause: 16, disposition: "Demo booked", timestamp: at(192) },
    ];
    for (const [i, step] of steps.entries()) {
      const res = await pushEvent(pbx.id, pbx.webhookSecret, step, { json: i % 2 === 0 });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.data.applied).toBe(true);
    }

    const listed = await callsOf(owner.token);
    expect(listed.meta.total).toBe(1);
    const call = listed.data[0];
    expect(call).toMatchObject({
      providerId: pbx.id,
      providerCallId: linkedid,
      direction: "inbound",
      status: "completed",
      from: "+14155550132",
      to: "+14155550100",
      agentUserId: agent.userId,
      queueId: queue.id,
      contactId: contact.id,
      startedAt: at(0) * 1000,
      answeredAt: at(12) * 1000,
      endedAt: at(192) * 1000,
      ringSeconds: 12,
      holdSeconds: 30,
      talkSeconds: 150,
      durationSeconds: 192,
      disposition: "Demo booked",
    });
    expect(call.activityId).toBeTruthy();
    const detail = (await api(`/api/telephony/calls/${call.id}`, { token: owner.token })).body.data;
    expect(detail.timeline.map((t: { type: string }) => t.type)).toEqual(["initiated", "queued", "ringing", "answered", "hold", "unhold", "ended"]);

    const timeline = await api(`/api/activities?contactId=${contact.id}`, { token: owner.token });
    const activity = timeline.body.data.find((a: { id: string }) => a.id === call.activityId);
    expect(activity).toMatchObject({ type: "call", contactId: contact.id, subject: "Inbound call from +14155550132" });
  });

  it("is idempotent: a replayed or reordered event changes nothing", async () => {
    const { owner, pbx } = await setup("pbxidem");
    const id = uniqueId();
    const ringing = { event: "ringing", uniqueid: id, from: "+14155550140", to: "+14155550100", agent: "1001", timestamp: at(0) };
    const hangup = { event: "hangup", uniqueid: id, dialstatus: "NOANSWER", timestamp: at(30) };
    expect((await pushEvent(pbx.id, pbx.webhookSecret, hangup)).body.data.applied).toBe(true);
    expect((await pushEvent(pbx.id, pbx.webhookSecret, ringing)).body.data.applied).toBe(true);
    const before = await countRows(owner.orgId);
    const again = await pushEvent(pbx.id, pbx.webhookSecret, hangup);
    expect(again.status).toBe(200);
    expect(again.body.data.applied).toBe(false);
    expect((await pushEvent(pbx.id, pbx.webhookSecret, ringing)).body.data.applied).toBe(false);
    expect(await countRows(owner.orgId)).toEqual(before);
    const [call] = (await callsOf(owner.token)).data;
    expect(call).toMatchObject({ status: "no_answer", answeredAt: null, ringSeconds: 30, durationSeconds: 30 });
  });

  it("rejects missing, wrong, malformed and expired signatures and writes nothing", async () => {
    const { owner, pbx } = await setup("pbxsig");
    const event = { event: "ringing", uniqueid: uniqueId(), from: "+14155550150", timestamp: at(0) };
    expectError(await pushEvent(pbx.id, null, event), 401, "unauthorized");
    expectError(await pushEvent(pbx.id, "not-the-secret", event), 401, "unauthorized");
    expectError(await pushEvent(pbx.id, null, event, { headers: { "x-neuracrm-signature": "v1=abc" } }), 401, "unauthorized");
    const expired = await pushEvent(pbx.id, pbx.webhookSecret, event, { t: Math.floor(Date.now() / 1000) - 600 });
    expectError(expired, 401, "unauthorized");
    expect(expired.body.error.message).toContain("tolerance");
    expectError(await pushEvent(pbx.id, pbx.webhookSecret, event, { t: Math.floor(Date.now() / 1000) + 600 }), 401, "unauthorized");
    expectError(await pushEvent(pbx.id, null, event, { headers: { "x-neuracrm-key": "wrong" } }), 401, "unauthorized");
    expect(await countRows(owner.orgId)).toEqual({ calls: 0, timeline: 0 });
  });

  it("refuses the bare webhook secret as a key: it would authenticate any body at any time", async () => {
    const { owner, pbx } = await setup("pbxkey");
    const event = { event: "ringing", uniqueid: uniqueId(), from: "+14155550152", timestamp: at(0) };
    const keyed = await pushEvent(pbx.id, null, event, { headers: { "x-neuracrm-key": pbx.webhookSecret } });
    expectError(keyed, 401, "unauthorized");
    expect(keyed.body.error.message).toContain("x-neuracrm-signature");
    expect(await countRows(owner.orgId)).toEqual({ calls: 0, timeline: 0 });
  });

  it("a signature covers the exact body: a tampered body is rejected", async () => {
    const { owner, pbx } = await setup("pbxtamper");
    const body = new URLSearchParams({ event: "ringing", uniqueid: uniqueId(), from: "+14155550160" }).toString();
    const { sign } = await import("./telephony-pbx-helpers");
    const signature = await sign(pbx.webhookSecret, body);
    const res = await api(`/api/telephony/pbx/${pbx.id}/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-neuracrm-signature": signature },
      rawBody: `${body}&agent=1001`,
    });
    expectError(res, 401, "unauthorized");
    expect((await countRows(owner.orgId)).calls).toBe(0);
  });

  it("cannot touch another organization: foreign secrets fail, foreign events stay in their own organization", async () => {
    const a = await setup("pbxisoa");
    const b = await setup("pbxisob");
    const id = uniqueId();
    const start = { event: "ringing", uniqueid: id, from: "+14155550170", to: "+14155550100", timestamp: at(0) };
    expect((await pushEvent(a.pbx.id, a.pbx.webhookSecret, start)).status).toBe(200);
    const before = await countRows(a.owner.orgId);

    // B's secret on A's provider URL.
    expectError(await pushEvent(a.pbx.id, b.pbx.webhookSecret, { ...start, event: "hangup" }), 401, "unauthorized");
    // B's own provider naming A's call id: a separate call in B.
    expect((await pushEvent(b.pbx.id, b.pbx.webhookSecret, { ...start, event: "hangup", timestamp: at(5) })).status).toBe(200);
    expect(await countRows(a.owner.orgId)).toEqual(before);
    const [callA] = (await callsOf(a.owner.token)).data;
    expect(callA.status).toBe("ringing");
    // An extension mapped in A means nothing to B's provider.
    const other = await pushEvent(b.pbx.id, b.pbx.webhookSecret, { event: "ringing", uniqueid: uniqueId(), agent: "1001", from: "+14155550171" });
    expect(other.status).toBe(200);
    expect((await callsOf(b.owner.token)).data.some((c: { agentUserId: string | null }) => c.agentUserId === a.agent.userId)).toBe(false);
  });

  it("answers clear errors for unknown providers, wrong provider types and bad events", async () => {
    const { owner, pbx } = await setup("pbxbad");
    const twilio = await createProvider(owner);
    const event = { event: "ringing", uniqueid: uniqueId() };
    expectError(await pushEvent("no-such-provider", pbx.webhookSecret, event), 404, "not_found");
    expectError(await pushEvent(twilio.id, twilio.webhookSecret, event), 404, "not_found");
    const bad = await pushEvent(pbx.id, pbx.webhookSecret, { event: "exploded", uniqueid: "a b" });
    expectError(bad, 400, "validation_error");
    expect(Object.keys(bad.body.error.details)).toEqual(expect.arrayContaining(["event", "uniqueid"]));
    const { sign } = await import("./telephony-pbx-helpers");
    const xml = "<event/>";
    expectError(
      await api(`/api/telephony/pbx/${pbx.id}/events`, { method: "POST", headers: { "content-type": "text/xml", "x-neuracrm-signature": await sign(pbx.webhookSecret, xml) }, rawBody: xml }),
      415,
      "unsupported_media_type",
    );
    const broken = "{not json";
    expectError(
      await api(`/api/telephony/pbx/${pbx.id}/events`, { method: "POST", headers: { "content-type": "application/json", "x-neuracrm-signature": await sign(pbx.webhookSecret, broken) }, rawBody: broken }),
      400,
      "validation_error",
    );
    expect((await countRows(owner.orgId)).calls).toBe(0);
  });

  it("maps Asterisk's hangup outcomes and transfers", async () => {
    const { owner, pbx } = await setup("pbxhang");
    const second = await addMember(owner, "agent", "pbxhang2");
    await addExtension(owner, pbx.id, second.userId, "1002");
    const outcomes: [Record<string, string | number>, string][] = [
      [{ dialstatus: "BUSY" }, "busy"],
      [{ hangupcause: 19 }, "no_answer"],
      [{ dialstatus: "CANCEL" }, "canceled"],
      [{ dialstatus: "CHANUNAVAIL" }, "failed"],
    ];
    for (const [fields, status] of outcomes) {
      const id = uniqueId();
      await pushEvent(pbx.id, pbx.webhookSecret, { event: "ringing", uniqueid: id, from: "1001", to: "+14155550180", agent: "1001", timestamp: at(0) });
      const res = await pushEvent(pbx.id, pbx.webhookSecret, { event: "hangup", uniqueid: id, timestamp: at(20), ...fields });
      expect(res.body.data.status, JSON.stringify(fields)).toBe(status);
    }
    const id = uniqueId();
    await pushEvent(pbx.id, pbx.webhookSecret, { event: "answered", uniqueid: id, from: "+14155550181", agent: "1001", timestamp: at(0) });
    const transfer = await pushEvent(pbx.id, pbx.webhookSecret, { event: "transfer", uniqueid: id, agent: "1002", timestamp: at(40) });
    expect(transfer.status).toBe(200);
    const call = (await api(`/api/telephony/calls/${transfer.body.data.callId}`, { token: owner.token })).body.data;
    expect(call.agentUserId).toBe(second.userId);
    expect(call.direction).toBe("inbound");
    expect(call.timeline.map((t: { type: string }) => t.type)).toContain("transfer");
    const outbound = (await callsOf(owner.token)).data.filter((c: { direction: string }) => c.direction === "outbound");
    expect(outbound).toHaveLength(4);
  });
});
