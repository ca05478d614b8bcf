import { describe, expect, it } from "vitest";
import { addMember, api, expectError } from "../../helpers";
import { auditActions } from "../../record-helpers";
import { forecastOrg } from "./forecast-helpers";

const put = (token: string, targets: unknown[]) => api("/api/forecast/targets", { method: "PUT", token, body: { targets } });

describe("forecast targets", () => {
  it("sets, updates and removes targets per owner, period and currency, audited", async () => {
    const org = await forecastOrg("fctgt");
    const manager = await addMember(org.owner, "manager");
    const me = org.owner.userId;
    const set = await put(manager.token, [
      { ownerId: me, period: "2031-03", currency: "USD", amount: 10000 },
      { ownerId: me, period: "2031-Q1", currency: "EUR", amount: 30000 },
      { ownerId: manager.userId, period: "2031-03", currency: "USD", amount: 5000 },
    ]);
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.data).toHaveLength(3);
    expect(set.body.data[0]).toMatchObject({ updatedBy: manager.userId });
    await put(org.owner.token, [{ ownerId: me, period: "2031-03", currency: "USD", amount: 12000 }, { ownerId: manager.userId, period: "2031-03", currency: "USD", amount: null }]);
    const list = await api("/api/forecast/targets", { token: org.owner.token });
    expect(list.body.data.map((t: any) => [t.ownerId, t.period, t.currency, t.amount])).toEqual([
      [me, "2031-03", "USD", 12000],
      [me, "2031-Q1", "EUR", 30000],
    ]);
    const march = await api("/api/forecast/targets?period=2031-Q1", { token: org.owner.token });
    expect(march.body.data).toHaveLength(1);
    expect(await auditActions(org.owner.token, "forecast_target", org.owner.orgId)).toEqual(["forecast.targets_set", "forecast.targets_set"]);
  });

  it("lets viewers and agents read targets but not write them, and writes nothing when refused", async () => {
    const org = await forecastOrg("fctgtrole");
    const viewer = await addMember(org.owner, "viewer");
    const agent = await addMember(org.owner, "agent");
    await put(org.owner.token, [{ ownerId: agent.userId, period: "2031-04", currency: "USD", amount: 100 }]);
    for (const who of [viewer, agent]) {
      expectError(await put(who.token, [{ ownerId: agent.userId, period: "2031-04", currency: "USD", amount: 1e6 }]), 403, "forbidden");
      const read = await api("/api/forecast/targets", { token: who.token });
      expect(read.status).toBe(200);
      expect(read.body.data.map((t: any) => t.amount)).toEqual([100]);
    }
  });

  it("refuses bad entries as a whole: nothing is written", async () => {
    const org = await forecastOrg("fctgtbad");
    const stranger = await forecastOrg("fctgtbad2");
    const me = org.owner.userId;
    const good = { ownerId: me, period: "2031-05", currency: "USD", amount: 1 };
    const cases: unknown[][] = [
      [good, { ...good, period: "2031-13" }],
      [good, { ...good, period: "2031-Q0" }],
      [good, { ...good, currency: "usd" }],
      [good, { ...good, amount: -1 }],
      [good, { ...good, extra: true }],
      [good, good],
      [good, { ...good, ownerId: stranger.owner.userId }],
      [],
    ];
    for (const targets of cases) expectError(await put(org.owner.token, targets), 400, "validation_error");
    const stray = await put(org.owner.token, [{ ...good, ownerId: stranger.owner.userId }]);
    expect(stray.body.error.details).toHaveProperty(["targets.0.ownerId"]);
    expect((await api("/api/forecast/targets", { token: org.owner.token })).body.data).toEqual([]);
    expect((await api("/api/forecast/targets", { token: stranger.owner.token })).body.data).toEqual([]);
  });
});
