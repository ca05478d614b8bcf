import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create } from "../../record-helpers";
import { joinRoom, until } from "../../room-client";

/** Every record type with an owner: where it lives and what a new one needs. */
const RESOURCES: [string, Record<string, unknown>][] = [
  ["/api/deals", { title: "Owned deal" }],
  ["/api/contacts", { firstName: "Owned" }],
  ["/api/companies", { name: "Owned Co" }],
  ["/api/leads", { firstName: "Owned lead" }],
  ["/api/activities", { type: "note", subject: "Owned note" }],
];

const patch = (who: Account, path: string, body: Record<string, unknown>) => api(path, { method: "PATCH", token: who.token, body });

describe("owner reassignment follows the board's rule everywhere", () => {
  for (const [path, body] of RESOURCES) {
    it(`${path}: agents keep their own records and cannot give or take one; managers reassign`, async () => {
      const owner = await registerAccount("reassign");
      const agent = await addMember(owner, "agent");
      const other = await addMember(owner, "agent", "other");
      const manager = await addMember(owner, "manager");

      // Creating: for yourself (explicitly or by default), never for someone else.
      const mine = await create(path, agent.token, { ...body, ownerId: agent.userId });
      expect(mine.ownerId).toBe(agent.userId);
      expectError(await api(path, { token: agent.token, body: { ...body, ownerId: other.userId } }), 403, "forbidden");
      // Only deals may be unowned.
      if (path === "/api/deals") expectError(await api(path, { token: agent.token, body: { ...body, ownerId: null } }), 403, "forbidden");

      // Updating: keeping the owner is fine, changing it is not, whatever else the request does.
      const kept = await patch(agent, `${path}/${mine.id}`, { ownerId: agent.userId });
      expect(kept.status, JSON.stringify(kept.body)).toBe(200);
      const refused = await patch(agent, `${path}/${mine.id}`, { ownerId: other.userId });
      expectError(refused, 403, "forbidden");
      expect(refused.body.error.message).toMatch(/cannot assign records/);
      const theirs = await create(path, manager.token, { ...body, ownerId: other.userId });
      expectError(await patch(agent, `${path}/${theirs.id}`, { ownerId: agent.userId }), 403, "forbidden");
      expect((await api(`${path}/${mine.id}`, { token: owner.token })).body.data.ownerId).toBe(agent.userId);

      // Managers (and above) reassign.
      const moved = await patch(manager, `${path}/${mine.id}`, { ownerId: other.userId });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
      expect(moved.body.data.ownerId).toBe(other.userId);
      const back = await patch(owner, `${path}/${mine.id}`, { ownerId: agent.userId });
      expect(back.body.data.ownerId).toBe(agent.userId);
    });
  }

  it("imports: an agent cannot import records for someone else", async () => {
    const owner = await registerAccount("reassignimp");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    const csv = "First Name,Email\nAl,al@example.com";
    expectError(await api("/api/imports", { token: agent.token, body: { resource: "contacts", csv, ownerId: manager.userId } }), 403, "forbidden");
    const ok = await api("/api/imports", { token: manager.token, body: { resource: "contacts", csv, ownerId: agent.userId } });
    expect(ok.body.data).toMatchObject({ committed: true, created: 1 });
  });

  it("the board refuses an agent's new card owned by someone else, as REST does", async () => {
    const owner = await registerAccount("reassigncard");
    const agent = await addMember(owner, "agent");
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const a = await joinRoom(owner.orgId, agent.token);
    const { dealMap } = await import("../../../rooms/board-cards");
    const now = Date.now();
    const id = crypto.randomUUID();
    a.doc.getMap("deals").set(
      id,
      dealMap({
        title: "Sneaky", amount: 1, currency: "USD", pipelineId: pipeline.id, stageId: pipeline.stages[0].id, position: "a0",
        ownerId: owner.userId, contactId: null, companyId: null, leadId: null, closeDate: null, status: "open", lostReason: null,
        tags: [], createdBy: agent.userId, createdAt: now, updatedBy: agent.userId, updatedAt: now,
      }),
    );
    await until(() => a.events.some((e) => e.data?.code === "edit_rejected" && e.data.dealId === id), "the rejection");
    await until(() => !a.doc.getMap("deals").has(id), "the card to be removed");
    a.close();
  });
});
