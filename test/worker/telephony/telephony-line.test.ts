import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { createProvider } from "../../telephony-helpers";
import { addExtension, createPbx } from "./telephony-pbx-helpers";

async function lineOf(account: Account) {
  const res = await api("/api/telephony/line", { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

describe("softphone line", () => {
  it("is none without a provider, so the browser has no reason to ask for a voice token", async () => {
    const owner = await registerAccount("line0");
    expect(await lineOf(owner)).toEqual({ mode: "none", reason: "no_provider" });
    // The token itself still refuses: the line is what tells the softphone not to ask.
    expectError(await api("/api/telephony/twilio/token", { token: owner.token, body: {} }), 409, "not_configured");
  });

  it("is the desk phone of a member with an extension, and names a missing extension to one without", async () => {
    const owner = await registerAccount("linepbx");
    const agent = await addMember(owner, "agent");
    const pbx = await createPbx(owner);
    expect(await lineOf(agent)).toEqual({ mode: "none", reason: "no_extension" });
    await addExtension(owner, pbx.id, agent.userId, "1007");
    expect(await lineOf(agent)).toEqual({ mode: "pbx", providerId: pbx.id, extension: "1007" });
  });

  it("is Twilio in the browser once the organization has an enabled Twilio provider", async () => {
    const owner = await registerAccount("linetw");
    const pbx = await createPbx(owner);
    await addExtension(owner, pbx.id, owner.userId, "1001");
    const twilio = await createProvider(owner);
    expect(await lineOf(owner)).toEqual({ mode: "twilio", providerId: twilio.id });
    const disabled = await api(`/api/telephony/providers/${twilio.id}`, { method: "PATCH", token: owner.token, body: { enabled: false } });
    expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
    expect(await lineOf(owner)).toEqual({ mode: "pbx", providerId: pbx.id, extension: "1001" });
  });

  it("is only for members who take calls", async () => {
    const owner = await registerAccount("lineview");
    const viewer = await addMember(owner, "viewer");
    expectError(await api("/api/telephony/line", { token: viewer.token }), 403, "forbidden");
    expectError(await api("/api/telephony/line"), 401, "unauthorized");
  });
});
