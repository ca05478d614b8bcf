import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { forecastSnapshots } from "../../../schema";
import { pickSnapshotWeek } from "../../../worker/forecast/forecast-accuracy";
import { isoWeekOf, periodBounds } from "../../../worker/forecast/forecast-periods";
import { takeSnapshots } from "../../../worker/forecast/forecast-snapshots";
import { orgDb } from "../../../worker/platform/db";
import { newId } from "../../../worker/platform/ids";
import { localToInstant } from "../../../worker/platform/local-time";
import { addMember, api } from "../../helpers";
import { restrictToOwnRecords, testDb } from "../../record-helpers";
import { forecastOrg, monthsAround, seedDeal, type ForecastOrg } from "./forecast-helpers";

const WEEK = 7 * 86_400_000;

const snapshotRows = (orgId: string) => testDb().select().from(forecastSnapshots).where(eq(forecastSnapshots.orgId, orgId));

/** A snapshot row as the weekly job would have written it on `day` of a period, 10:00 local. */
async function storeSnapshot(org: ForecastOrg, timeZone: string, takenOn: string, period: string, v: { weighted: number; closedWon: number; ownerId?: string; currency?: string }) {
  const [y, m, d] = takenOn.split("-").map(Number) as [number, number, number];
  const takenAt = localToInstant(y, m, d, 600, timeZone);
  await testDb().insert(forecastSnapshots).values({
    id: newId(), orgId: org.owner.orgId, pipelineId: org.pipeline.id, week: isoWeekOf(takenAt, timeZone), period,
    ownerId: v.ownerId ?? org.owner.userId, currency: v.currency ?? "USD", weighted: v.weighted, commit: 0, bestCase: v.weighted, closedWon: v.closedWon, takenAt,
  });
}

describe("forecast snapshots", () => {
  it("takes one snapshot per ISO week: again the same week writes nothing, the next week writes anew", async () => {
    const org = await forecastOrg("fcsnap", "America/New_York");
    const { day } = monthsAround("America/New_York");
    await seedDeal(org, { ownerId: org.owner.userId, stageId: org.stage["Proposal"]!, amount: 1000, closeDate: day(1, 10) });
    await seedDeal(org, { ownerId: null, stageId: org.stage["Negotiation"]!, amount: 200, currency: "EUR", closeDate: day(2, 10) });
    const db = orgDb(env, org.owner.orgId);
    const now = Date.now();
    const first = await takeSnapshots(db, org.owner.orgId, now);
    // One row per currency by month, and again by quarter (both months fall within this quarter and the next).
    expect(first).toBe(4);
    const rows = await snapshotRows(org.owner.orgId);
    expect(rows).toHaveLength(first);
    expect(new Set(rows.map((r) => r.week))).toEqual(new Set([isoWeekOf(now, "America/New_York")]));
    const month = rows.find((r) => r.period === day(1, 10).slice(0, 7))!;
    expect(month).toMatchObject({ ownerId: org.owner.userId, currency: "USD", weighted: 500, bestCase: 1000, commit: 0, closedWon: 0 });
    expect(rows.find((r) => r.currency === "EUR" && r.period === day(2, 10).slice(0, 7))).toMatchObject({ ownerId: "", weighted: 150, commit: 200 });

    expect(await takeSnapshots(db, org.owner.orgId, now + 1000)).toBe(0);
    expect(await snapshotRows(org.owner.orgId)).toHaveLength(first);
    expect(await takeSnapshots(db, org.owner.orgId, now + WEEK)).toBeGreaterThan(0);
    const weeks = new Set((await snapshotRows(org.owner.orgId)).map((r) => r.week));
    expect(weeks.size).toBe(2);
  });

  it("arms the organization's clock when the forecast is first read", async () => {
    const org = await forecastOrg("fcclock");
    const res = await api(`/api/forecast?pipelineId=${org.pipeline.id}`, { token: org.owner.token });
    expect(res.status).toBe(200);
    const clock = env.FORECAST_CLOCK.get(env.FORECAST_CLOCK.idFromName(org.owner.orgId));
    expect(await clock.scheduledAt()).not.toBeNull();
  });

  it("picks the first snapshot taken in the period, else the last before it", () => {
    const period = periodBounds("2030-06")!;
    const at = (d: string) => Date.parse(`${d}T10:00:00Z`);
    expect(pickSnapshotWeek(period, new Map([["a", at("2030-05-27")], ["b", at("2030-06-03")], ["c", at("2030-06-17")]]), "UTC")).toBe("b");
    expect(pickSnapshotWeek(period, new Map([["a", at("2030-05-20")], ["z", at("2030-05-27")], ["later", at("2030-07-01")]]), "UTC")).toBe("z");
    expect(pickSnapshotWeek(period, new Map([["later", at("2030-07-01")]]), "UTC")).toBeNull();
  });

  it("compares each past period's forecast with what was won, and averages the error (MAPE)", async () => {
    const tz = "Europe/Berlin";
    const org = await forecastOrg("fcmape", tz);
    const agent = await addMember(org.owner, "agent", "fcmapea");
    const { month, day } = monthsAround(tz);
    const me = org.owner.userId;
    const [a, b, c] = [month(-3), month(-2), month(-1)];
    // Period a: the snapshot of its 2nd day said 800 weighted + 200 won = 1000; 1250 was won: error 0.2.
    await storeSnapshot(org, tz, `${a.key}-02`, a.key, { weighted: 800, closedWon: 200 });
    await storeSnapshot(org, tz, `${a.key}-20`, a.key, { weighted: 5000, closedWon: 0 });
    await seedDeal(org, { ownerId: me, stageId: org.stage["Closed won"]!, amount: 1250, status: "won", closeDate: `${a.key}-15` });
    // Period b: no snapshot in it; the last one before it (taken in a) said 900; 1000 was won: error 0.1.
    await storeSnapshot(org, tz, `${a.key}-25`, b.key, { weighted: 900, closedWon: 0 });
    await seedDeal(org, { ownerId: me, stageId: org.stage["Closed won"]!, amount: 1000, status: "won", closeDate: `${b.key}-07` });
    // Period c: forecast 300 but nothing won: no error to average. The agent's own forecast and win are theirs alone.
    await storeSnapshot(org, tz, `${c.key}-01`, c.key, { weighted: 300, closedWon: 0 });
    await storeSnapshot(org, tz, `${c.key}-01`, c.key, { weighted: 40, closedWon: 0, ownerId: agent.userId });
    await seedDeal(org, { ownerId: agent.userId, stageId: org.stage["Closed won"]!, amount: 50, status: "won", closeDate: day(-1, 9) });
    // This month has not ended: it is not compared.
    await storeSnapshot(org, tz, `${month(0).key}-01`, month(0).key, { weighted: 10, closedWon: 0 });

    const res = await api(`/api/forecast/accuracy?pipelineId=${org.pipeline.id}&from=${a.start}&to=${month(0).end}`, { token: org.owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const points = res.body.data.points.map((p: any) => [p.period, p.forecast, p.actual, p.error]);
    expect(points).toEqual([
      [a.key, 1000, 1250, 0.2],
      [b.key, 900, 1000, 0.1],
      [c.key, 340, 50, 5.8],
    ]);
    expect(res.body.data.mape).toEqual([{ currency: "USD", mape: 2.0333, periods: 3 }]);
    expect(res.body.data.basis).toMatch(/first weekly snapshot/);

    await restrictToOwnRecords(org.owner);
    const mine = await api(`/api/forecast/accuracy?pipelineId=${org.pipeline.id}&from=${a.start}&to=${month(0).end}`, { token: agent.token });
    expect(mine.body.data.points.map((p: any) => [p.period, p.forecast, p.actual, p.error])).toEqual([[c.key, 40, 50, 0.2]]);
    expect(mine.body.data.mape).toEqual([{ currency: "USD", mape: 0.2, periods: 1 }]);
    expect(await testDb().select().from(forecastSnapshots).where(and(eq(forecastSnapshots.orgId, org.owner.orgId), eq(forecastSnapshots.period, month(0).key)))).toHaveLength(1);
  });
});
