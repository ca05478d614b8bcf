import { describe, expect, it } from "vitest";
import { LIMITS } from "../../../worker/platform/abuse-limits";
import { api, expectError, registerAccount } from "../../helpers";
import { createProvider } from "../../telephony-helpers";
import { createPbx, pushEvent } from "../telephony/telephony-pbx-helpers";

const lookup = (providerId: string, key: string, ip: string) =>
  api(`/api/telephony/3cx/${providerId}/lookup?number=4155550111`, { headers: { "x-neuracrm-key": key, "cf-connecting-ip": ip } });

describe("failed webhook signatures and keys are rate-limited per address", () => {
  it("refuses an address that keeps failing, even with the right key, and leaves other addresses alone", async () => {
    const owner = await registerAccount("whl");
    const threecx = await createProvider(owner, { type: "3cx", name: "3CX" });
    const attacker = "198.51.100.7";
    for (let i = 0; i < LIMITS.WEBHOOK_AUTH_FAILURES.limit; i++) expectError(await lookup(threecx.id, `guess-${i}`, attacker), 401, "unauthorized");
    const blocked = await lookup(threecx.id, "one-more-guess", attacker);
    expectError(blocked, 429, "rate_limited");
    expect(Number(blocked.headers.get("retry-after"))).toBeGreaterThan(0);
    // Over budget, not even the right key is checked.
    expectError(await lookup(threecx.id, threecx.webhookSecret, attacker), 429, "rate_limited");
    expect((await lookup(threecx.id, threecx.webhookSecret, "203.0.113.9")).status).toBe(200);
  });

  it("counts failures across the signed webhooks, never a vendor's valid requests", async () => {
    const owner = await registerAccount("whl2");
    const pbx = await createPbx(owner);
    const ip = "198.51.100.8";
    const event = { event: "start", uniqueid: "1700000000.9", linkedid: "1700000000.9", from: "4155550132", to: "201", timestamp: Math.floor(Date.now() / 1000) };
    for (let i = 0; i < LIMITS.WEBHOOK_AUTH_FAILURES.limit + 5; i++) {
      expect((await pushEvent(pbx.id, pbx.webhookSecret, { ...event, uniqueid: `1700000000.${i}`, linkedid: `1700000000.${i}` }, { headers: { "cf-connecting-ip": ip } })).status).toBe(200);
    }
    for (let i = 0; i < LIMITS.WEBHOOK_AUTH_FAILURES.limit; i++) expect((await pushEvent(pbx.id, "wrong-secret", event, { headers: { "cf-connecting-ip": ip } })).status).toBe(401);
    const refused = await pushEvent(pbx.id, pbx.webhookSecret, { ...event, uniqueid: "1700000001.1", linkedid: "1700000001.1" }, { headers: { "cf-connecting-ip": ip } });
    expectError(refused, 429, "rate_limited");
    const calls = await api("/api/telephony/calls?per_page=100", { token: owner.token });
    expect(calls.body.data.some((c: { providerCallId: string }) => c.providerCallId === "1700000001.1")).toBe(false);
  });
});
