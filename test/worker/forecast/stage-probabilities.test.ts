import { describe, expect, it } from "vitest";
import { MIN_LEARNING_SAMPLE } from "../../../worker/forecast/stage-probabilities";
import { api } from "../../helpers";
import { forecastOrg, monthsAround, moveSeeded, seedDeal, type ForecastOrg } from "./forecast-helpers";

/** `n` deals that start in Lead, pass through `via`, and close: the first `won` of them won. */
async function closeThrough(org: ForecastOrg, via: string, n: number, won: number) {
  const t0 = Date.now() - 86_400_000;
  for (let i = 0; i < n; i++) {
    const id = await seedDeal(org, { ownerId: org.owner.userId, stageId: org.stage["Lead"]!, amount: 100, at: t0 });
    await moveSeeded(id, { stageId: via }, t0 + 1000);
    await moveSeeded(id, i < won ? { stageId: org.stage["Closed won"]!, status: "won" } : { stageId: org.stage["Closed lost"]!, status: "lost" }, t0 + 2000);
  }
}

describe("learned stage probabilities", () => {
  it("learns each stage's win rate from history and uses it once the sample is large enough", async () => {
    const org = await forecastOrg("fclearn");
    expect(MIN_LEARNING_SAMPLE).toBe(20);
    await closeThrough(org, org.stage["Qualified"]!, 20, 15);
    await closeThrough(org, org.stage["Proposal"]!, 4, 1);
    // Still open deals and a deal closed straight from its first stage do not count for stages they never passed.
    await seedDeal(org, { ownerId: org.owner.userId, stageId: org.stage["Proposal"]!, amount: 100 });
    const res = await api(`/api/forecast/stage-probabilities?pipelineId=${org.pipeline.id}`, { token: org.owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const byName = Object.fromEntries(res.body.data.stages.map((s: any) => [s.name, s]));
    expect(res.body.data.minSample).toBe(20);
    // Every closed deal began in Lead: 16 won of 24.
    expect(byName["Lead"]).toMatchObject({ configured: 10, learned: 67, sample: 24, won: 16, effective: 67, source: "learned" });
    expect(byName["Qualified"]).toMatchObject({ configured: 25, learned: 75, sample: 20, won: 15, effective: 75, source: "learned" });
    // 1 of 4: the configured 50% stands below the minimum sample.
    expect(byName["Proposal"]).toMatchObject({ configured: 50, learned: 25, sample: 4, won: 1, effective: 50, source: "configured" });
    expect(byName["Negotiation"]).toMatchObject({ learned: null, sample: 0, effective: 75, source: "configured" });
    // Deals reached the closing stages only once closed, so those stages learn nothing.
    expect(byName["Closed won"]).toMatchObject({ sample: 0, source: "configured" });

    const { month, day } = monthsAround("UTC");
    const open = await seedDeal(org, { ownerId: org.owner.userId, stageId: org.stage["Qualified"]!, amount: 1000, closeDate: day(1, 12) });
    const f = await api(`/api/forecast?pipelineId=${org.pipeline.id}&from=${month(1).start}&to=${month(1).end}&groupBy=none`, { token: org.owner.token });
    expect(f.body.data.rows).toEqual([expect.objectContaining({ weighted: 750, commit: 1000, bestCase: 1000 })]);
    const behind = await api(`/api/forecast/deals?pipelineId=${org.pipeline.id}&period=${month(1).key}&measure=commit`, { token: org.owner.token });
    expect(behind.body.data).toMatchObject([{ id: open, probability: 75, value: 1000 }]);
  });

  it("counts a deal once per stage however often it came back", async () => {
    const org = await forecastOrg("fcreturn");
    const t0 = Date.now() - 86_400_000;
    const id = await seedDeal(org, { ownerId: null, stageId: org.stage["Qualified"]!, amount: 10, at: t0 });
    await moveSeeded(id, { stageId: org.stage["Proposal"]! }, t0 + 1);
    await moveSeeded(id, { stageId: org.stage["Qualified"]! }, t0 + 2);
    await moveSeeded(id, { status: "won" }, t0 + 3);
    const res = await api(`/api/forecast/stage-probabilities?pipelineId=${org.pipeline.id}`, { token: org.owner.token });
    const q = res.body.data.stages.find((s: any) => s.name === "Qualified");
    expect(q).toMatchObject({ sample: 1, won: 1, learned: 100, source: "configured", effective: 25 });
  });
});
