import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { activities, calls, callTranscripts, deals, insights, supportComments, supportTickets } from "../../../schema";
import { dealRiskFindings, STALE_AFTER_DAYS } from "../../../worker/insights/deal-risk-rules";
import { insightSweepTask, refreshOrgInsights, sweepOrgInsights } from "../../../worker/insights/insight-sweep";
import { localDateOf } from "../../../worker/platform/local-time";
import { newId } from "../../../worker/platform/ids";
import { api, registerAccount } from "../../helpers";
import { create, insertDeal, testDb } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";

const DAY = 24 * 3600_000;
const utcDate = (ms: number) => localDateOf(ms, "UTC");

async function openInsights(orgId: string) {
  const rows = await testDb().select().from(insights).where(and(eq(insights.orgId, orgId)));
  return rows.filter((r) => r.resolvedAt === null).map((r) => r.dedupeKey.split(":").slice(0, 2).join(":") + ":" + r.recordId).sort();
}

async function dealFixture(orgId: string, fields: Partial<typeof deals.$inferInsert>) {
  const p = await defaultPipeline(orgId);
  return insertDeal(orgId, { pipelineId: p.id, stageId: p.stages[0]!.id, ...fields });
}

async function activityOn(orgId: string, dealId: string, at: number, subject = "Sent the proposal") {
  const id = newId();
  await testDb().insert(activities).values({ id, orgId, type: "email", subject, dealId, createdAt: at, updatedAt: at });
  return id;
}

describe("deal-at-risk rules (pure)", () => {
  const now = Date.UTC(2030, 5, 15, 12);
  const deal = { id: "d1", title: "Acme renewal", createdAt: now - 60 * DAY, closeDate: "2030-06-20", contactId: null };

  it("finds a stale deal from its newest activity and cites it, with a headline that holds from day to day", () => {
    const last = { dealId: "d1", id: "a1", subject: "Demo", type: "meeting", at: now - (STALE_AFTER_DAYS + 1) * DAY };
    const [stale] = dealRiskFindings(deal, { lastActivity: last }, now, "2030-06-15", utcDate);
    expect(stale).toEqual({
      kind: "deal_at_risk",
      record: { type: "deal", id: "d1", title: "Acme renewal" },
      headline: "Acme renewal: no activity since 2030-05-31",
      evidence: [
        { type: "deal", id: "d1", title: "Acme renewal", detail: "No activity for 15 days" },
        { type: "activity", id: "a1", title: "Demo", detail: "Last activity (meeting) on 2030-05-31" },
      ],
      dedupeKey: "deal_at_risk:stale:d1",
    });
    const tomorrow = dealRiskFindings(deal, { lastActivity: last }, now + DAY, "2030-06-16", utcDate);
    expect(tomorrow[0]!.headline).toBe(stale!.headline);
    expect(dealRiskFindings(deal, { lastActivity: { ...last, at: now - 13 * DAY } }, now, "2030-06-15", utcDate)).toEqual([]);
  });

  it("counts a slipped close date against the organization's local date", () => {
    const fresh = { ...deal, createdAt: now - DAY, closeDate: "2030-06-15" };
    expect(dealRiskFindings(fresh, {}, now, "2030-06-15", utcDate)).toEqual([]);
    const slipped = dealRiskFindings(fresh, {}, now, "2030-06-16", utcDate);
    expect(slipped.map((f) => [f.dedupeKey, f.headline])).toEqual([["deal_at_risk:slipped:d1", "Acme renewal: close date 2030-06-15 has passed"]]);
  });

  it("quotes the contact's newest message only when it is negative", () => {
    const fresh = { ...deal, createdAt: now - DAY, contactId: "c1" };
    const voice = {
      contactId: "c1",
      contactName: "Dana Buyer",
      at: now - DAY,
      label: "negative" as const,
      score: -0.62,
      source: { type: "comment" as const, id: "m1", ticketId: "t1", ticketTitle: "#7 Broken export", quote: "This is unacceptable" },
    };
    const [negative] = dealRiskFindings(fresh, { voice }, now, "2030-06-15", utcDate);
    expect(negative!.headline).toBe("Acme renewal: Dana Buyer turned negative");
    expect(negative!.evidence).toEqual([
      { type: "deal", id: "d1", title: "Acme renewal" },
      { type: "contact", id: "c1", title: "Dana Buyer", detail: "Sentiment -0.62 on 2030-06-14" },
      { type: "ticket", id: "t1", title: "#7 Broken export", detail: "“This is unacceptable”" },
    ]);
    expect(dealRiskFindings(fresh, { voice: { ...voice, label: "neutral", score: 0 } }, now, "2030-06-15", utcDate)).toEqual([]);
  });
});

describe("deal-at-risk sweep", () => {
  it("raises each rule on fixtures and resolves it once the condition no longer holds", async () => {
    const owner = await registerAccount("insrules");
    const orgId = owner.orgId;
    const db = testDb();
    const now = Date.now();
    const contact = await create("/api/contacts", owner.token, { firstName: "Dana", lastName: "Buyer" });

    const stale = await dealFixture(orgId, { title: "Stale deal", createdAt: now - 40 * DAY, closeDate: utcDate(now + 30 * DAY) });
    await activityOn(orgId, stale.id!, now - 20 * DAY);
    const slipped = await dealFixture(orgId, { title: "Slipped deal", createdAt: now - DAY, closeDate: utcDate(now - 2 * DAY) });
    const unhappy = await dealFixture(orgId, { title: "Unhappy deal", createdAt: now - DAY, contactId: contact.id });
    const healthy = await dealFixture(orgId, { title: "Healthy deal", createdAt: now - 40 * DAY, closeDate: utcDate(now + 30 * DAY) });
    await activityOn(orgId, healthy.id!, now - DAY);
    await dealFixture(orgId, { title: "Lost long ago", createdAt: now - 90 * DAY, closeDate: utcDate(now - 60 * DAY), status: "lost" });

    const ticketId = newId();
    await db.insert(supportTickets).values({ id: ticketId, orgId, number: 7, subject: "Broken export", contactId: contact.id, threadToken: newId(), createdAt: now - 3 * DAY, updatedAt: now - DAY });
    const comment = (body: string, label: "negative" | "positive", score: number, at: number) => ({
      id: newId(), orgId, ticketId, kind: "public" as const, authorType: "contact" as const, authorId: contact.id, body, sentiment: { label, score, model: "vader" }, createdAt: at,
    });
    await db.insert(supportComments).values([
      comment("Thanks, all good so far", "positive", 0.7, now - 3 * DAY),
      comment("This is   unacceptable, the export fails again", "negative", -0.64, now - 2 * DAY),
    ]);

    const first = await sweepOrgInsights(env, db, orgId, now);
    expect(first).toEqual({ raised: 3, resolved: 0, complete: true });
    expect(await openInsights(orgId)).toEqual(
      [`deal_at_risk:negative:${unhappy.id}`, `deal_at_risk:slipped:${slipped.id}`, `deal_at_risk:stale:${stale.id}`].sort(),
    );
    const inbox = (await api("/api/insights?kind=deal_at_risk", { token: owner.token })).body.data;
    const negative = inbox.find((i: { record: { id: string } }) => i.record.id === unhappy.id);
    expect(negative.headline).toBe("Unhappy deal: Dana Buyer turned negative");
    expect(negative.evidence[2]).toEqual({ type: "ticket", id: ticketId, title: "#7 Broken export", detail: "“This is unacceptable, the export fails again”" });

    // Nothing changed: a second sweep raises nothing and resolves nothing.
    expect(await sweepOrgInsights(env, db, orgId, now)).toEqual({ raised: 0, resolved: 0, complete: true });

    // The conditions end: a fresh activity, a new close date, a happier newest message.
    await activityOn(orgId, stale.id!, now - 1000, "Called back");
    await db.update(deals).set({ closeDate: utcDate(now + 10 * DAY) }).where(eq(deals.id, slipped.id!));
    await db.insert(supportComments).values(comment("Fixed, thank you!", "positive", 0.8, now - 500));
    expect(await sweepOrgInsights(env, db, orgId, now)).toEqual({ raised: 0, resolved: 3, complete: true });
    expect(await openInsights(orgId)).toEqual([]);
  });

  it("reads a call transcript's negative rollup and quotes its worst customer segment", async () => {
    const owner = await registerAccount("insrulecall");
    const orgId = owner.orgId;
    const db = testDb();
    const now = Date.now();
    const contact = await create("/api/contacts", owner.token, { firstName: "Carl", lastName: "Caller" });
    const deal = await dealFixture(orgId, { title: "Phone deal", createdAt: now - DAY, contactId: contact.id });
    const callId = newId();
    await db.insert(calls).values({ id: callId, orgId, providerId: newId(), providerCallId: newId(), direction: "inbound", status: "completed", fromNumber: "+15550001", toNumber: "+15550002", contactId: contact.id, startedAt: now - 2 * DAY, lastEventAt: now - 2 * DAY, createdAt: now - 2 * DAY, updatedAt: now - 2 * DAY } as typeof calls.$inferInsert);
    const seg = (text: string, label: "negative" | "neutral", score: number, start: number) => ({ speaker: "customer" as const, start, end: start + 2, text, sentiment: { label, score, model: "vader" } });
    await db.insert(callTranscripts).values({
      callId, orgId, recordingKey: "k", status: "done",
      segments: [seg("Hello there", "neutral", 0, 0), seg("We are thinking of cancelling", "negative", -0.55, 3)],
      sentiment: { label: "negative", score: -0.4, model: "vader", trend: "worsening", messages: 2, at: now - 2 * DAY },
      createdAt: now - 2 * DAY, updatedAt: now - 2 * DAY,
    } as typeof callTranscripts.$inferInsert);

    await sweepOrgInsights(env, db, orgId, now);
    const row = await db.select().from(insights).where(and(eq(insights.orgId, orgId), eq(insights.dedupeKey, `deal_at_risk:negative:${deal.id}`))).get();
    expect(row!.evidence[2]).toEqual({ type: "call", id: callId, title: "Call with Carl Caller", detail: "“We are thinking of cancelling”" });
  });
});

describe("when the rules run", () => {
  it("sweeps again only when their inputs changed, and the cron task covers organizations with open deals", async () => {
    const owner = await registerAccount("insthrottle");
    const orgId = owner.orgId;
    const db = testDb();
    const now = Date.now();
    const slipped = await dealFixture(orgId, { title: "Cron deal", createdAt: now - DAY, closeDate: utcDate(now - 2 * DAY) });

    await insightSweepTask(env, new Date(now));
    expect(await openInsights(orgId)).toEqual([`deal_at_risk:slipped:${slipped.id}`]);
    expect(await refreshOrgInsights(env, db, orgId, now + 1000)).toBe(false);

    await db.update(deals).set({ closeDate: utcDate(now + 5 * DAY), updatedAt: now + 2000 }).where(eq(deals.id, slipped.id!));
    expect(await refreshOrgInsights(env, db, orgId, now + 3000)).toBe(true);
    expect(await openInsights(orgId)).toEqual([]);
    // An hour on, dates may have moved: it sweeps even though nothing changed.
    expect(await refreshOrgInsights(env, db, orgId, now + 3000 + 3600_000)).toBe(true);
  });
});
