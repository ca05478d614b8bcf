import { describe, expect, inject, it } from "vitest";
import { FAKE_ARI, type FakeOrigination } from "../../fakes/ari-fixtures";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create } from "../../record-helpers";
import { createProvider, twilioConfig } from "../../telephony-helpers";
import { addExtension, createPbx } from "./telephony-pbx-helpers";

async function recorded(channelId: string): Promise<FakeOrigination> {
  const res = await fetch(`${inject("ariFakeUrl")}/__fake/originations/${encodeURIComponent(channelId)}`);
  expect(res.status).toBe(200);
  return res.json();
}

describe("PBX click-to-call (ARI originate)", () => {
  it("rings the agent's extension first, then dials the customer, and creates the call", async () => {
    const owner = await registerAccount("pbxorig");
    const agent = await addMember(owner, "agent", "pbxorigag");
    const pbx = await createPbx(owner, "freepbx", { endpointTechnology: "SIP", context: "from-internal-custom" });
    await addExtension(owner, pbx.id, agent.userId, "1002");
    const contact = await create("/api/contacts", owner.token, { firstName: "Olga", lastName: "Outbound", phone: "+1 415 555 0177" });

    const res = await api("/api/telephony/pbx/calls", { token: agent.token, body: { to: "(415) 555-0177", contactId: contact.id } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const call = res.body.data;
    expect(call).toMatchObject({
      providerId: pbx.id,
      direction: "outbound",
      status: "initiated",
      from: "1002",
      to: "+14155550177",
      agentUserId: agent.userId,
      contactId: contact.id,
    });

    const sent = await recorded(call.providerCallId);
    expect(sent.query).toMatchObject({
      endpoint: "SIP/1002",
      extension: "+14155550177",
      context: "from-internal-custom",
      priority: "1",
      channelId: call.providerCallId,
      callerId: '"Olga Outbound" <+14155550177>',
    });
    expect(sent.variables).toMatchObject({ __NEURACRM_CALL_ID: call.providerCallId, __NEURACRM_PROVIDER_ID: pbx.id, __NEURACRM_AGENT: "1002" });
    expect(sent.authorization).toBe(`Basic ${btoa(`${FAKE_ARI.username}:${FAKE_ARI.password}`)}`);

    const listed = await api(`/api/telephony/calls?providerId=${pbx.id}`, { token: owner.token });
    expect(listed.body.data.map((c: { id: string }) => c.id)).toEqual([call.id]);
    const detail = await api(`/api/telephony/calls/${call.id}`, { token: owner.token });
    expect(detail.body.data.timeline.map((t: { type: string }) => t.type)).toEqual(["initiated"]);
  });

  it("reports the PBX's own error and writes nothing", async () => {
    const owner = await registerAccount("pbxerr");
    const pbx = await createPbx(owner);
    await addExtension(owner, pbx.id, owner.userId, FAKE_ARI.unreachableExtension);
    const res = await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111" } });
    expectError(res, 502, "provider_error");
    expect(res.body.error.message).toContain("Allocation failed");
    expect(res.body.error.details).toMatchObject({ httpStatus: 500, providerMessage: "Allocation failed" });
    const listed = await api("/api/telephony/calls", { token: owner.token });
    expect(listed.body.meta.total).toBe(0);
  });

  it("reports wrong ARI credentials and an unreachable PBX as provider errors", async () => {
    const owner = await registerAccount("pbxauth");
    const wrong = await createProvider(owner, { type: "asterisk", name: "Wrong", config: { baseUrl: inject("ariFakeUrl"), username: "neuracrm", password: "nope", application: "neuracrm" } });
    await addExtension(owner, wrong.id, owner.userId, "1001");
    const res = await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", providerId: wrong.id } });
    expectError(res, 502, "provider_error");
    expect(res.body.error.message).toContain("Authentication required");

    const down = await createProvider(owner, { type: "asterisk", name: "Down", config: { baseUrl: "http://127.0.0.1:9", username: "u", password: "p", application: "neuracrm" } });
    await addExtension(owner, down.id, owner.userId, "1001");
    const unreachable = await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", providerId: down.id } });
    expectError(unreachable, 502, "provider_error");
    expect(unreachable.body.error.message).toContain("Could not reach Asterisk ARI");
  });

  it("says what is missing: no PBX provider, or no extension for the caller", async () => {
    const owner = await registerAccount("pbxnone");
    await createProvider(owner, { type: "twilio", name: "Twilio only", config: twilioConfig() });
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111" } }), 409, "not_configured");

    const pbx = await createPbx(owner);
    const noExt = await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111" } });
    expectError(noExt, 409, "conflict");
    expect(noExt.body.error.message).toContain("no extension");
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", providerId: "nope" } }), 404, "not_found");
    void pbx;
  });

  it("validates input and permissions, and never reaches another organization's records", async () => {
    const owner = await registerAccount("pbxval");
    const viewer = await addMember(owner, "viewer", "pbxvalv");
    const pbx = await createPbx(owner);
    await addExtension(owner, pbx.id, owner.userId, "1001");
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "not a number" } }), 400, "validation_error");
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: {} }), 400, "validation_error");
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", extra: 1 } }), 400, "validation_error");
    expectError(await api("/api/telephony/pbx/calls", { token: viewer.token, body: { to: "+14155550111" } }), 403, "forbidden");
    expectError(await api("/api/telephony/pbx/calls", { body: { to: "+14155550111" } }), 401, "unauthorized");

    const other = await registerAccount("pbxvalo");
    const foreign = await create("/api/contacts", other.token, { firstName: "Not", lastName: "Yours" });
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", contactId: foreign.id } }), 400, "validation_error");
    const otherPbx = await createPbx(other);
    expectError(await api("/api/telephony/pbx/calls", { token: owner.token, body: { to: "+14155550111", providerId: otherPbx.id } }), 404, "not_found");
    expect((await api("/api/telephony/calls", { token: owner.token })).body.meta.total).toBe(0);
  });
});
