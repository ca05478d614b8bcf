import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { api, registerAccount } from "../../helpers";
import { callSid, createProvider } from "../../telephony-helpers";
import { create } from "../../record-helpers";
import { addExtension, createPbx, pushEvent, uniqueId } from "../telephony/telephony-pbx-helpers";
import { typesOf, waitForDomainEvents } from "./events-fixture";

const S = 1000;

async function inboundCall(label: string) {
  const owner = await registerAccount(label);
  const provider = await createProvider(owner);
  const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from: "+14155550100", to: "+14155550199" };
  return { owner, base, T: Date.now() - 60 * S };
}

describe("domain events of calls", () => {
  it("raises call.created, call.updated as the call goes on, and call.missed when an inbound call ends unanswered", async () => {
    const { owner, base, T } = await inboundCall("evcall");
    const ringing = await applyCallEvent(env, owner.orgId, { ...base, status: "ringing", at: T });
    await applyCallEvent(env, owner.orgId, { ...base, status: "no_answer", at: T + 30 * S });
    const events = await waitForDomainEvents(owner.orgId, 3, ringing.call.id);
    expect(typesOf(events).sort()).toEqual(["call.created", "call.missed", "call.updated"]);
    const updated = events.find((e) => e.type === "call.updated")!;
    expect(updated).toMatchObject({ entity: "call", actorId: null, previous: { status: "ringing" }, record: { status: "no_answer", answeredAt: null } });
    expect(updated.changed).toContain("status");
    expect(events.find((e) => e.type === "call.missed")).toMatchObject({ record: { id: ringing.call.id, status: "no_answer" }, context: { status: "no_answer" } });
  });

  it("raises no call.missed for an answered inbound call, and an update with the actor for a wrap-up", async () => {
    const { owner, base, T } = await inboundCall("evcall2");
    const started = await applyCallEvent(env, owner.orgId, { ...base, status: "ringing", at: T, agentUserId: owner.userId });
    await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: T + 5 * S });
    await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 50 * S });
    const wrap = await api(`/api/telephony/calls/${started.call.id}`, { method: "PATCH", token: owner.token, body: { disposition: "Sold" } });
    expect(wrap.status, JSON.stringify(wrap.body)).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 4, started.call.id);
    expect(typesOf(events).sort()).toEqual(["call.created", "call.updated", "call.updated", "call.updated"]);
    const last = events.find((e) => e.actorId === owner.userId)!;
    expect(last).toMatchObject({ previous: { disposition: null }, record: { disposition: "Sold" } });
  });
  it("raises an update for the disposition a PBX hang-up carries, and for the record a click-to-call links", async () => {
    const owner = await registerAccount("evcallpbx");
    const pbx = await createPbx(owner);
    await addExtension(owner, pbx.id, owner.userId, "1003");
    const id = uniqueId();
    const t = Math.floor(Date.now() / 1000) - 300;
    const base = { uniqueid: id, linkedid: id, from: "4155550142", to: "+14155550100" };
    for (const step of [
      { ...base, event: "start", timestamp: t },
      { ...base, event: "answered", agent: "1003", timestamp: t + 5 },
      { ...base, event: "hangup", dialstatus: "ANSWER", hangupcause: 16, disposition: "Demo booked", timestamp: t + 60 },
    ]) {
      expect((await pushEvent(pbx.id, pbx.webhookSecret, step)).status).toBe(200);
    }
    const inbound = (await api(`/api/telephony/calls?providerId=${pbx.id}`, { token: owner.token })).body.data[0];
    const events = await waitForDomainEvents(owner.orgId, 4, inbound.id);
    expect(typesOf(events)).toEqual(["call.created", "call.updated", "call.updated", "call.updated"]);
    expect(events[3]).toMatchObject({ actorId: null, previous: { status: "completed", disposition: null }, record: { status: "completed", disposition: "Demo booked" } });

    const contact = await create("/api/contacts", owner.token, { firstName: "Olga", phone: "+1 415 555 0177" });
    const dialled = await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "(415) 555-0188", contactId: contact.id } });
    expect(dialled.status, JSON.stringify(dialled.body)).toBe(201);
    const outbound = await waitForDomainEvents(owner.orgId, 2, dialled.body.data.id);
    expect(typesOf(outbound)).toEqual(["call.created", "call.updated"]);
    expect(outbound[1]).toMatchObject({ actorId: owner.userId, previous: { contactId: null }, record: { contactId: contact.id } });
  });
});
