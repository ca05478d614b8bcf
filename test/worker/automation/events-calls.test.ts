import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { api, registerAccount } from "../../helpers";
import { callSid, createProvider } from "../../telephony-helpers";
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
});
