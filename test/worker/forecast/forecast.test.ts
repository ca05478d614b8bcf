import { describe, expect, it } from "vitest";
import { localToInstant } from "../../../worker/platform/local-time";
import { addMember, api, expectError } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { forecastOrg, monthsAround, seedDeal } from "./forecast-helpers";

const TOKYO = "Asia/Tokyo";

/** Last month to next month, in Tokyo, with deals whose sums are worked out by hand below. */
async function tokyoFixture(label: string) {
  const org = await forecastOrg(label, TOKYO);
  const agent = await addMember(org.owner, "agent", `${label}a`);
  const { month, day } = monthsAround(TOKYO);
  const me = org.owner.userId;
  const s = org.stage;
  const [y, m] = month(0).key.split("-").map(Number) as [number, number];
  // Midnight of the 1st in Tokyo is 15:00 UTC on the last day of the month before: the zone decides the month.
  const monthStart = localToInstant(y, m, 1, 0, TOKYO);
  const ids = {
    proposal: await seedDeal(org, { ownerId: me, stageId: s["Proposal"]!, amount: 1000, closeDate: day(1, 15), title: "Proposal next month" }),
    negotiation: await seedDeal(org, { ownerId: me, stageId: s["Negotiation"]!, amount: 2000, closeDate: day(1, 10), title: "Negotiation next month" }),
    euros: await seedDeal(org, { ownerId: me, stageId: s["Lead"]!, amount: 500, currency: "EUR", closeDate: day(1, 20) }),
    agents: await seedDeal(org, { ownerId: agent.userId, stageId: s["Qualified"]!, amount: 400, closeDate: day(1, 3), title: "Agent's deal" }),
    wonAfterMidnight: await seedDeal(org, { ownerId: me, stageId: s["Closed won"]!, amount: 3000, status: "won", at: monthStart + 30 * 60_000 }),
    wonBeforeMidnight: await seedDeal(org, { ownerId: me, stageId: s["Closed won"]!, amount: 700, status: "won", at: monthStart - 30 * 60_000 }),
    slipped: await seedDeal(org, { ownerId: me, stageId: s["Proposal"]!, amount: 800, closeDate: day(-1, 5), title: "Slipped" }),
    lost: await seedDeal(org, { ownerId: me, stageId: s["Closed lost"]!, amount: 9999, status: "lost", closeDate: day(0, 2) }),
    undated: await seedDeal(org, { ownerId: me, stageId: s["Lead"]!, amount: 250 }),
    unowned: await seedDeal(org, { ownerId: null, stageId: s["Negotiation"]!, amount: 100, closeDate: day(1, 1) }),
  };
  const range = `pipelineId=${org.pipeline.id}&from=${month(-1).start}&to=${month(1).end}`;
  return { ...org, agent, ids, month, range };
}

const row = (rows: any[], period: string, ownerId: string | null, currency = "USD") =>
  rows.find((r) => r.period === period && r.ownerId === ownerId && r.currency === currency);

describe("forecast", () => {
  it("buckets weighted, commit, best case, closed won and slipped per owner and month, in the organization's zone", async () => {
    const f = await tokyoFixture("fcbuckets");
    const me = f.owner.userId;
    const set = await api("/api/forecast/targets", {
      method: "PUT", token: f.owner.token, body: { targets: [{ ownerId: me, period: f.month(0).key, currency: "USD", amount: 6000 }] },
    });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    const res = await api(`/api/forecast?${f.range}&interval=month&groupBy=owner`, { token: f.owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body.data;
    expect(d.timeZone).toBe(TOKYO);
    expect(d.periods.map((p: any) => p.key)).toEqual([f.month(-1).key, f.month(0).key, f.month(1).key]);
    expect(d.commitThreshold).toBe(70);

    // Next month: 1000 × 50% + 2000 × 75%; only the 75% stage is commit.
    expect(row(d.rows, f.month(1).key, me)).toMatchObject({ weighted: 2000, commit: 2000, bestCase: 3000, closedWon: 0, slipped: 0, openCount: 2, target: null });
    expect(row(d.rows, f.month(1).key, me, "EUR")).toMatchObject({ weighted: 50, commit: 0, bestCase: 500 });
    expect(row(d.rows, f.month(1).key, f.agent.userId)).toMatchObject({ weighted: 100, commit: 0, bestCase: 400 });
    expect(row(d.rows, f.month(1).key, null)).toMatchObject({ unassigned: true, weighted: 75, commit: 100, bestCase: 100 });
    // Won 30 minutes after midnight Tokyo counts this month; 30 minutes before, last month.
    expect(row(d.rows, f.month(0).key, me)).toMatchObject({ closedWon: 3000, weighted: 0, target: 6000, attainment: 0.5 });
    expect(row(d.rows, f.month(-1).key, me)).toMatchObject({ closedWon: 700, weighted: 400, bestCase: 800, slipped: 800, slippedCount: 1 });
    // The lost deal is nowhere; the undated open deal is only in `undated`.
    expect(d.rows.reduce((n: number, r: any) => n + r.bestCase + r.closedWon, 0)).toBe(3000 + 500 + 400 + 100 + 3000 + 700 + 800);
    expect(d.undated).toEqual([{ currency: "USD", count: 1, amount: 250 }]);
    expect(d.owners.map((o: any) => o.id).sort()).toEqual([me, f.agent.userId].sort());

    const all = await api(`/api/forecast?${f.range}&groupBy=none`, { token: f.owner.token });
    expect(row(all.body.data.rows, f.month(1).key, null)).toMatchObject({ unassigned: false, weighted: 2175, commit: 2100, bestCase: 3500 });
    expect(row(all.body.data.rows, f.month(0).key, null)).toMatchObject({ closedWon: 3000, target: 6000, attainment: 0.5 });
  });

  it("groups by quarter", async () => {
    const f = await tokyoFixture("fcquarter");
    const res = await api(`/api/forecast?${f.range}&interval=quarter&groupBy=none`, { token: f.owner.token });
    expect(res.status).toBe(200);
    const total = (k: string) => res.body.data.rows.filter((r: any) => r.currency === "USD").reduce((n: number, r: any) => n + r[k], 0);
    expect(total("closedWon")).toBe(3700);
    expect(total("weighted")).toBe(400 + 2000 + 100 + 75);
    expect(res.body.data.periods.every((p: any) => /^\d{4}-Q[1-4]$/.test(p.key))).toBe(true);
  });

  it("drills down to the deals behind a number, and they add up to it", async () => {
    const f = await tokyoFixture("fcdrill");
    const me = f.owner.userId;
    const base = `/api/forecast/deals?pipelineId=${f.pipeline.id}&period=${f.month(1).key}`;
    const commit = await api(`${base}&measure=commit&ownerId=${me}`, { token: f.owner.token });
    expect(commit.status, JSON.stringify(commit.body)).toBe(200);
    expect(commit.body.data.map((x: any) => x.id)).toEqual([f.ids.negotiation]);
    const weighted = await api(`${base}&measure=weighted&ownerId=${me}&currency=USD`, { token: f.owner.token });
    expect(weighted.body.data.map((x: any) => [x.id, x.value, x.probability])).toEqual([
      [f.ids.negotiation, 1500, 75],
      [f.ids.proposal, 500, 50],
    ]);
    const unowned = await api(`${base}&measure=bestCase&ownerId=unassigned`, { token: f.owner.token });
    expect(unowned.body.data.map((x: any) => x.id)).toEqual([f.ids.unowned]);
    const won = await api(`/api/forecast/deals?pipelineId=${f.pipeline.id}&period=${f.month(0).key}&measure=closedWon`, { token: f.owner.token });
    expect(won.body.data.map((x: any) => x.id)).toEqual([f.ids.wonAfterMidnight]);
    const slipped = await api(`/api/forecast/deals?pipelineId=${f.pipeline.id}&period=${f.month(-1).key}&measure=slipped`, { token: f.owner.token });
    expect(slipped.body.data).toMatchObject([{ id: f.ids.slipped, value: 800, title: "Slipped" }]);
  });

  it("shows an agent restricted to own records only their deals, targets and drill-downs", async () => {
    const f = await tokyoFixture("fcown");
    await restrictToOwnRecords(f.owner);
    await api("/api/forecast/targets", {
      method: "PUT", token: f.owner.token,
      body: { targets: [{ ownerId: f.owner.userId, period: f.month(1).key, currency: "USD", amount: 5000 }, { ownerId: f.agent.userId, period: f.month(1).key, currency: "USD", amount: 900 }] },
    });
    const res = await api(`/api/forecast?${f.range}`, { token: f.agent.token });
    expect(res.status).toBe(200);
    expect(res.body.data.rows).toEqual([expect.objectContaining({ ownerId: f.agent.userId, period: f.month(1).key, weighted: 100, target: 900 })]);
    expect(res.body.data.undated).toEqual([]);
    const theirs = await api(`/api/forecast/deals?pipelineId=${f.pipeline.id}&period=${f.month(1).key}&measure=bestCase&ownerId=${f.owner.userId}`, { token: f.agent.token });
    expect(theirs.body.data).toEqual([]);
    const targets = await api("/api/forecast/targets", { token: f.agent.token });
    expect(targets.body.data.map((t: any) => t.ownerId)).toEqual([f.agent.userId]);
  });

  it("answers 404 for another organization's pipeline and 401 without a session", async () => {
    const f = await tokyoFixture("fcten");
    const stranger = await forecastOrg("fcten2");
    expectError(await api(`/api/forecast?pipelineId=${f.pipeline.id}`, { token: stranger.owner.token }), 404, "not_found");
    expectError(await api(`/api/forecast/deals?pipelineId=${f.pipeline.id}&period=${f.month(1).key}&measure=weighted`, { token: stranger.owner.token }), 404, "not_found");
    expectError(await api(`/api/forecast/stage-probabilities?pipelineId=${f.pipeline.id}`, { token: stranger.owner.token }), 404, "not_found");
    expectError(await api(`/api/forecast/accuracy?pipelineId=${f.pipeline.id}`, { token: stranger.owner.token }), 404, "not_found");
    expectError(await api(`/api/forecast?pipelineId=${f.pipeline.id}`), 401, "unauthorized");
  });

  it("refuses bad parameters with 400 in the envelope", async () => {
    const f = await forecastOrg("fcbad");
    const p = `pipelineId=${f.pipeline.id}`;
    for (const q of [
      "", `${p}&interval=week`, `${p}&groupBy=team`, `${p}&from=2026-02-30`, `${p}&from=2026-1-01`,
      `${p}&from=2026-06-01&to=2026-05-01`, `${p}&from=2000-01-01&to=2026-01-01`,
    ]) {
      expectError(await api(`/api/forecast?${q}`, { token: f.owner.token }), 400, "validation_error");
    }
    for (const q of [`${p}&period=2026-13&measure=weighted`, `${p}&period=2026-Q5&measure=weighted`, `${p}&period=2026-12&measure=everything`, `${p}&period=2026-12&measure=weighted&currency=usd`]) {
      expectError(await api(`/api/forecast/deals?${q}`, { token: f.owner.token }), 400, "validation_error");
    }
    expectError(await api(`/api/forecast/accuracy?${p}&interval=year`, { token: f.owner.token }), 400, "validation_error");
  });
});
