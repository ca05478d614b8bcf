import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { activities, calls, forecastTargets, supportTickets } from "../../../schema";
import { raiseInsight } from "../../../worker/insights";
import { newId } from "../../../worker/platform/ids";
import { localDateOf, localParts, localToInstant } from "../../../worker/platform/local-time";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { insertDeal, restrictToOwnRecords, testDb } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";

const DAY = 86_400_000;

function utcDayBounds(now: number) {
  const p = localParts(now, "UTC");
  const start = localToInstant(p.year, p.month, p.day, 0, "UTC");
  return { start, end: start + DAY };
}

function nextMonthStart(today: string) {
  const [y, m] = today.split("-").map(Number) as [number, number];
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
}

describe("GET /api/dashboard", () => {
  it("adds up a hand-computed organization, and an agent restricted to their own records sees only theirs", async () => {
    const owner = await registerAccount("dash");
    const agent = await addMember(owner, "agent");
    const orgId = owner.orgId;
    const db = testDb();
    const now = Date.now();
    const today = localDateOf(now, "UTC");
    const period = today.slice(0, 7);
    const day = utcDayBounds(now);
    const p = await defaultPipeline(orgId);
    const [s0, s1, s2] = p.stages;
    const deal = (fields: Parameters<typeof insertDeal>[1] extends infer F ? Partial<F> : never) =>
      insertDeal(orgId, { pipelineId: p.id, stageId: s0!.id, ownerId: owner.userId, ...fields });

    await deal({ title: "Open USD this month", amount: 1000, closeDate: today, stageId: s0!.id });
    await deal({ title: "Open USD next month", amount: 2000, closeDate: nextMonthStart(today), stageId: s2!.id });
    await deal({ title: "Open EUR undated", amount: 500, currency: "EUR", stageId: s1!.id });
    await deal({ title: "Agent's open deal", amount: 300, ownerId: agent.userId, closeDate: today });
    await deal({ title: "Won ten days", amount: 3000, status: "won", closeDate: today, createdAt: now - 10 * DAY, updatedAt: now - 1000 });
    await deal({ title: "Won twenty days", amount: 1500, status: "won", closeDate: today, createdAt: now - 20 * DAY, updatedAt: now - 1000 });
    await deal({ title: "Lost lately", amount: 700, status: "lost", createdAt: now - 5 * DAY, updatedAt: now - 1000 });
    await deal({ title: "Lost long ago", amount: 900, status: "lost", createdAt: now - 300 * DAY, updatedAt: now - 200 * DAY });
    await db.insert(forecastTargets).values({ orgId, ownerId: owner.userId, period, currency: "USD", amount: 10000, updatedAt: now });

    const task = (subject: string, dueAt: number, fields: Partial<typeof activities.$inferInsert> = {}) =>
      ({ id: newId(), orgId, type: "task" as const, subject, dueAt, ownerId: owner.userId, createdAt: now, updatedAt: now, ...fields });
    await db.insert(activities).values([
      task("Due today", now),
      task("Overdue", day.start - 3600_000),
      task("Tomorrow", day.end + 3600_000),
      task("Done today", now, { doneAt: now }),
      task("Agent's own", now, { ownerId: agent.userId }),
    ]);

    const ticket = (number: number, slaDueAt: number, status: "open" | "solved" = "open") => ({
      id: newId(), orgId, number, subject: `Ticket ${number}`, status, slaDueAt, threadToken: newId(), createdAt: now, updatedAt: now,
    });
    const soon = ticket(1, now + 3600_000);
    await db.insert(supportTickets).values([soon, ticket(2, now + 10 * 3600_000), ticket(3, now, "solved")]);

    const call = (direction: "inbound" | "outbound", startedAt: number, answered: boolean) => ({
      id: newId(), orgId, providerId: newId(), providerCallId: newId(), direction, status: "completed" as const, fromNumber: "+15550001", toNumber: "+15550002",
      agentUserId: owner.userId, startedAt, answeredAt: answered ? startedAt + 5000 : null, endedAt: startedAt + 60_000, lastEventAt: startedAt, createdAt: startedAt, updatedAt: startedAt,
    });
    const t0 = Math.max(day.start, now - 3600_000);
    await db.insert(calls).values([call("inbound", t0, true), call("inbound", t0, false), call("outbound", t0, true), call("inbound", day.start - 3600_000, true)] as (typeof calls.$inferInsert)[]);

    const raised = await raiseInsight(env, db, { orgId, kind: "hot_lead", record: { type: "deal", id: (await deal({ title: "Hot", amount: 0 })).id!, title: "Hot" }, headline: "Hot", evidence: [], dedupeKey: `dash:hot:${orgId}` });

    const res = await api("/api/dashboard", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const d = res.body.data;
    expect(d).toMatchObject({ timeZone: "UTC", today, period });
    const weighted = (amount: number, probability: number) => (amount * probability) / 100;
    expect(d.pipeline).toEqual([
      { currency: "EUR", count: 1, value: 500, weighted: weighted(500, s1!.probability) },
      { currency: "USD", count: 4, value: 3300, weighted: weighted(1000, s0!.probability) + weighted(2000, s2!.probability) + weighted(300, s0!.probability) },
    ]);
    expect(d.won).toEqual([{ currency: "USD", count: 2, amount: 4500, target: 10000, attainment: 0.45 }]);
    expect(d.winRate).toEqual({ won: 2, lost: 1, rate: 0.667, windowDays: 90 });
    expect(d.cycleTime).toEqual({ averageDays: 15, deals: 2, windowDays: 90 });
    const thisMonth = d.forecast.find((f: { period: string; currency: string }) => f.period === period && f.currency === "USD");
    expect(thisMonth).toMatchObject({ weighted: weighted(1300, s0!.probability), closedWon: 4500 });
    const next = d.forecast.find((f: { period: string }) => f.period === d.nextPeriod);
    expect(next).toMatchObject({ currency: "USD", weighted: weighted(2000, s2!.probability), closedWon: 0 });
    expect(d.tasks.dueToday).toBe(1);
    expect(d.tasks.overdue).toBe(1);
    expect(d.tasks.items.map((t: { subject: string; overdue: boolean }) => [t.subject, t.overdue])).toEqual([["Overdue", true], ["Due today", false]]);
    expect(d.tickets).toEqual({ breachingSoon: 1, items: [{ id: soon.id, number: 1, subject: "Ticket 1", priority: "normal", slaDueAt: soon.slaDueAt }] });
    expect(d.calls).toEqual({ today: 3, answered: 2, missed: 1, inbound: 2, outbound: 1 });
    expect(d.insights.open).toBe(1);
    expect(d.insights.items.map((i: { id: string }) => i.id)).toEqual([raised!.id]);

    await restrictToOwnRecords(owner);
    const mine = (await api("/api/dashboard", { token: agent.token })).body.data;
    expect(mine.pipeline).toEqual([{ currency: "USD", count: 1, value: 300, weighted: weighted(300, s0!.probability) }]);
    expect(mine.won).toEqual([]);
    expect(mine.winRate).toEqual({ won: 0, lost: 0, rate: null, windowDays: 90 });
    expect(mine.tasks.items.map((t: { subject: string }) => t.subject)).toEqual(["Agent's own"]);
    expect(mine.calls.today).toBe(0);
    expect(mine.insights).toEqual({ open: 0, items: [] });
  });

  it("shows a viewer the numbers, another organization none of them, and refuses an anonymous caller", async () => {
    const owner = await registerAccount("dashacc");
    const viewer = await addMember(owner, "viewer");
    const other = await registerAccount("dashother");
    const p = await defaultPipeline(owner.orgId);
    await insertDeal(owner.orgId, { pipelineId: p.id, stageId: p.stages[0]!.id, amount: 1234, title: "Secret" });
    expect((await api("/api/dashboard", { token: viewer.token })).body.data.pipeline).toEqual([
      { currency: "USD", count: 1, value: 1234, weighted: (1234 * p.stages[0]!.probability) / 100 },
    ]);
    const theirs = (await api("/api/dashboard", { token: other.token })).body.data;
    expect(theirs.pipeline).toEqual([]);
    expectError(await api("/api/dashboard"), 401, "unauthorized");
  });
});
