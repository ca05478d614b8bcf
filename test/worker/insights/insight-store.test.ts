import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { insights, insightStates } from "../../../schema";
import { raiseInsight, resolveInsight } from "../../../worker/insights";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";

const insightEvents = (c: RoomClient, recordId: string) => c.events.filter((e) => e.type === "ai_insight" && e.data.record.id === recordId).map((e) => e.data);

async function connect(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

/** Waits until every client has a marker event, so anything sent before it has arrived. */
async function settle(orgId: string, clients: RoomClient[]) {
  const title = crypto.randomUUID();
  await publishEvent(env, orgId, "notification", { title } as never);
  await until(() => clients.every((c) => c.events.some((e) => e.data?.title === title)), "the marker");
}

const staleInput = (orgId: string, deal: { id: string; title: string }, headline = "No activity for 20 days") => ({
  orgId,
  kind: "deal_at_risk" as const,
  record: { type: "deal" as const, id: deal.id, title: deal.title },
  headline,
  evidence: [{ type: "deal" as const, id: deal.id, title: deal.title, detail: "Last activity 20 days ago" }],
  dedupeKey: `test:stale:${deal.id}`,
});

describe("raiseInsight", () => {
  it("keeps one open insight per dedupe key, refreshes it, and reopens a resolved one as a new occurrence", async () => {
    const owner = await registerAccount("insdedupe");
    const deal = await create("/api/deals", owner.token, { title: "Dedupe deal" });
    const db = testDb();
    const room = await joinRoom(owner.orgId, owner.token);

    const first = await raiseInsight(env, db, staleInput(owner.orgId, deal));
    await until(() => insightEvents(room, deal.id).length === 1, "the first ai_insight");
    expect(insightEvents(room, deal.id)[0]).toEqual({
      kind: "deal_at_risk",
      record: { type: "deal", id: deal.id, title: "Dedupe deal" },
      headline: "No activity for 20 days",
      by: null,
      insightId: first!.id,
      evidence: [{ type: "deal", id: deal.id, title: "Dedupe deal", detail: "Last activity 20 days ago" }],
    });

    // The same finding again is not news; a changed headline refreshes the same row and is.
    const again = await raiseInsight(env, db, staleInput(owner.orgId, deal));
    expect(again!.id).toBe(first!.id);
    const refreshed = await raiseInsight(env, db, staleInput(owner.orgId, deal, "No activity for 21 days"));
    expect(refreshed!.id).toBe(first!.id);
    await until(() => insightEvents(room, deal.id).length === 2, "the refreshed ai_insight");
    await settle(owner.orgId, [room]);
    expect(insightEvents(room, deal.id).map((e) => e.headline)).toEqual(["No activity for 20 days", "No activity for 21 days"]);
    expect(await db.select().from(insights).where(eq(insights.orgId, owner.orgId))).toHaveLength(1);

    // Dismissed, then resolved, then found again: the dismissal of the old occurrence no longer hides it.
    expect((await api(`/api/insights/${first!.id}/dismiss`, { method: "POST", token: owner.token })).status).toBe(200);
    await resolveInsight(db, owner.orgId, `test:stale:${deal.id}`);
    const resolved = await db.select().from(insights).where(eq(insights.id, first!.id)).get();
    expect(resolved!.resolvedAt).not.toBeNull();
    const reopened = await raiseInsight(env, db, staleInput(owner.orgId, deal, "No activity for 40 days"));
    expect(reopened).toMatchObject({ id: first!.id, resolvedAt: null, headline: "No activity for 40 days" });
    expect(await db.select().from(insightStates).where(eq(insightStates.insightId, first!.id))).toEqual([]);
    await until(() => insightEvents(room, deal.id).length === 3, "the reopened ai_insight");
    const inbox = await api("/api/insights", { token: owner.token });
    expect(inbox.body.data.map((i: { id: string }) => i.id)).toEqual([first!.id]);
    room.close();
  });

  it("raises nothing for a record that does not exist", async () => {
    const owner = await registerAccount("insgone");
    const raised = await raiseInsight(env, testDb(), staleInput(owner.orgId, { id: crypto.randomUUID(), title: "Ghost" }));
    expect(raised).toBeNull();
    expect(await testDb().select().from(insights).where(and(eq(insights.orgId, owner.orgId)))).toEqual([]);
  });

  it("reaches only members who may see the record when agents see only their own", async () => {
    const owner = await registerAccount("insaud");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const deal = await create("/api/deals", owner.token, { title: "Ann's deal", ownerId: ann.userId });
    const clients = [await joinRoom(owner.orgId, owner.token), await connect(owner.orgId, ann.token), await connect(owner.orgId, bob.token)];
    const [o, a, b] = clients;

    const raised = await raiseInsight(env, testDb(), staleInput(owner.orgId, deal));
    await until(() => insightEvents(o!, deal.id).length === 1 && insightEvents(a!, deal.id).length === 1, "the owner's and Ann's ai_insight");
    await settle(owner.orgId, clients);
    expect(insightEvents(b!, deal.id)).toEqual([]);

    const inboxOf = async (token: string) => (await api("/api/insights", { token })).body.data.map((i: { id: string }) => i.id);
    expect(await inboxOf(owner.token)).toEqual([raised!.id]);
    expect(await inboxOf(ann.token)).toEqual([raised!.id]);
    expect(await inboxOf(bob.token)).toEqual([]);
    clients.forEach((c) => c.close());
  });
});
