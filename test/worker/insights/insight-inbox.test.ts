import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insightStates, supportTickets } from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { raiseInsight } from "../../../worker/insights";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";

async function riskOn(owner: Account, deal: { id: string; title: string }, rule = "test") {
  const raised = await raiseInsight(env, testDb(), {
    orgId: owner.orgId,
    kind: "deal_at_risk",
    record: { type: "deal", id: deal.id, title: deal.title },
    headline: `${deal.title} needs attention`,
    evidence: [{ type: "deal", id: deal.id, title: deal.title, detail: "Close date passed" }],
    dedupeKey: `${rule}:${deal.id}`,
  });
  return raised!;
}

const inboxOf = async (token: string, query = "") => {
  const res = await api(`/api/insights${query}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const idsOf = (body: { data: { id: string }[] }) => body.data.map((i) => i.id);

describe("the insight inbox", () => {
  it("lists newest first with the record and its evidence, filters by kind and pages", async () => {
    const owner = await registerAccount("inbox");
    const a = await create("/api/deals", owner.token, { title: "Deal A" });
    const b = await create("/api/deals", owner.token, { title: "Deal B" });
    const first = await riskOn(owner, a);
    const second = await riskOn(owner, b);
    const call = await raiseInsight(env, testDb(), {
      orgId: owner.orgId, kind: "hot_lead", record: { type: "deal", id: b.id, title: "Deal B" }, headline: "Jumped", evidence: [], dedupeKey: `hot:${b.id}`,
    });

    const all = await inboxOf(owner.token);
    expect(idsOf(all)).toEqual([call!.id, second.id, first.id]);
    expect(all.meta).toEqual({ page: 1, per_page: 25, total: 3 });
    expect(all.data[2]).toMatchObject({
      kind: "deal_at_risk",
      record: { type: "deal", id: a.id, title: "Deal A" },
      headline: "Deal A needs attention",
      evidence: [{ type: "deal", id: a.id, title: "Deal A", detail: "Close date passed" }],
      resolvedAt: null,
      dismissedAt: null,
      snoozedUntil: null,
    });
    // The record is always cited, even when the rule gave no evidence.
    expect(all.data[0].evidence).toEqual([{ type: "deal", id: b.id, title: "Deal B" }]);
    expect(idsOf(await inboxOf(owner.token, "?kind=deal_at_risk"))).toEqual([second.id, first.id]);
    const page2 = await inboxOf(owner.token, "?per_page=2&page=2");
    expect(idsOf(page2)).toEqual([first.id]);
    expect((await api("/api/insights/count", { token: owner.token })).body.data).toEqual({ open: 3 });
  });

  it("keeps dismissals and snoozes per member, and brings a snoozed insight back", async () => {
    const owner = await registerAccount("inboxstate");
    const manager = await addMember(owner, "manager");
    const viewer = await addMember(owner, "viewer");
    const deal = await create("/api/deals", owner.token, { title: "Shared deal" });
    const insight = await riskOn(owner, deal);

    const dismissed = await api(`/api/insights/${insight.id}/dismiss`, { method: "POST", token: manager.token });
    expect(dismissed.status).toBe(200);
    expect(dismissed.body.data.dismissedAt).toBeGreaterThan(0);
    expect(idsOf(await inboxOf(manager.token))).toEqual([]);
    expect(idsOf(await inboxOf(owner.token))).toEqual([insight.id]);

    const before = Date.now();
    const snoozed = await api(`/api/insights/${insight.id}/snooze`, { method: "POST", token: viewer.token, body: { hours: 3 } });
    expect(snoozed.status, JSON.stringify(snoozed.body)).toBe(200);
    expect(snoozed.body.data.snoozedUntil).toBeGreaterThanOrEqual(before + 3 * 3600_000);
    expect(idsOf(await inboxOf(viewer.token))).toEqual([]);
    expect(idsOf(await inboxOf(owner.token))).toEqual([insight.id]);
    const back = await api(`/api/insights/${insight.id}/snooze`, { method: "DELETE", token: viewer.token });
    expect(back.body.data.snoozedUntil).toBeNull();
    expect(idsOf(await inboxOf(viewer.token))).toEqual([insight.id]);

    const until = Date.now() + 3600_000;
    expect((await api(`/api/insights/${insight.id}/snooze`, { method: "POST", token: owner.token, body: { until } })).body.data.snoozedUntil).toBe(until);
    const states = await testDb().select().from(insightStates).where(eq(insightStates.insightId, insight.id));
    expect(states.map((s) => s.userId).sort()).toEqual([owner.userId, manager.userId, viewer.userId].sort());
  });

  it("refuses bad snoozes with a 400 and writes nothing", async () => {
    const owner = await registerAccount("inboxbad");
    const deal = await create("/api/deals", owner.token, { title: "Deal" });
    const insight = await riskOn(owner, deal);
    const bodies = [{}, { hours: 0 }, { hours: 2, until: Date.now() + 1000 }, { until: Date.now() - 1000 }, { until: Date.now() + 91 * 24 * 3600_000 }, { hours: "2" }, { hours: 1, extra: true }];
    for (const body of bodies) {
      expectError(await api(`/api/insights/${insight.id}/snooze`, { method: "POST", token: owner.token, body }), 400, "validation_error");
    }
    expect(await testDb().select().from(insightStates).where(eq(insightStates.insightId, insight.id))).toEqual([]);
  });

  it("answers 404 for another organization's insight and for one whose record the member may not see, and 401 without a token", async () => {
    const owner = await registerAccount("inboxacc");
    const other = await registerAccount("inboxother");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const deal = await create("/api/deals", owner.token, { title: "Ann's deal", ownerId: ann.userId });
    const insight = await riskOn(owner, deal);

    for (const [method, path, body] of [
      ["POST", `/api/insights/${insight.id}/dismiss`, undefined],
      ["POST", `/api/insights/${insight.id}/snooze`, { hours: 1 }],
      ["DELETE", `/api/insights/${insight.id}/snooze`, undefined],
    ] as const) {
      expectError(await api(path, { method, token: other.token, body }), 404, "not_found");
      expectError(await api(path, { method, token: bob.token, body }), 404, "not_found");
      expectError(await api(path, { method, body }), 401, "unauthorized");
    }
    expect(await testDb().select().from(insightStates).where(eq(insightStates.insightId, insight.id))).toEqual([]);
    expect(idsOf(await inboxOf(other.token))).toEqual([]);
    expect(idsOf(await inboxOf(bob.token))).toEqual([]);
    expect(idsOf(await inboxOf(ann.token))).toEqual([insight.id]);

    // Reassigned to Bob: the insight follows the record's visibility.
    await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { ownerId: bob.userId } });
    expect(idsOf(await inboxOf(ann.token))).toEqual([]);
    expect(idsOf(await inboxOf(bob.token))).toEqual([insight.id]);
    expectError(await api("/api/insights"), 401, "unauthorized");
  });

  it("hides an insight whose record was deleted", async () => {
    const owner = await registerAccount("inboxdel");
    const deal = await create("/api/deals", owner.token, { title: "Doomed" });
    await riskOn(owner, deal);
    expect(idsOf(await inboxOf(owner.token))).toHaveLength(1);
    expect((await api(`/api/deals/${deal.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect(idsOf(await inboxOf(owner.token))).toEqual([]);
  });

  it("follows support's rule for ticket insights: the assignee and those who see all, not another restricted agent", async () => {
    const owner = await registerAccount("inboxticket");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const now = Date.now();
    const ticketId = newId();
    await testDb().insert(supportTickets).values({ id: ticketId, orgId: owner.orgId, number: 1, subject: "Angry customer", assigneeId: ann.userId, threadToken: newId(), createdAt: now, updatedAt: now });
    const raised = await raiseInsight(env, testDb(), {
      orgId: owner.orgId, kind: "ticket_escalation", record: { type: "ticket", id: ticketId, title: "#1 Angry customer" }, headline: "Turned negative", evidence: [], dedupeKey: `esc:${ticketId}`,
    });
    expect(idsOf(await inboxOf(owner.token))).toEqual([raised!.id]);
    expect(idsOf(await inboxOf(ann.token))).toEqual([raised!.id]);
    expect(idsOf(await inboxOf(bob.token))).toEqual([]);
    expectError(await api(`/api/insights/${raised!.id}/dismiss`, { method: "POST", token: bob.token }), 404, "not_found");
  });
});
