import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { supportTickets } from "../../../schema";
import { orgDb } from "../../../worker/platform/db";
import { addComment } from "../../../worker/support/tickets/ticket-comments";
import { percentile } from "../../../worker/support/support-analytics";
import { createTicket, updateTicket } from "../../../worker/support/tickets/tickets";
import { addMember, api, expectError, registerAccount } from "../../helpers";

const H = 3_600_000;
const D = 24 * H;
/** Monday 2 Nov 2026, 00:00 UTC. */
const MON = Date.parse("2026-11-02T00:00:00Z");

describe("percentile", () => {
  it("interpolates linearly between ranks", () => {
    expect(percentile([], 0.5)).toBeNull();
    expect(percentile([5], 0.9)).toBe(5);
    expect(percentile([4, 1, 3, 2], 0.5)).toBe(2.5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBeCloseTo(9.1);
  });
});

describe("support analytics", () => {
  it("reports volume, backlog, response and resolution times, SLA compliance, per agent and channel", async () => {
    const owner = await registerAccount("an");
    const agent = await addMember(owner, "agent");
    const db = orgDb(env, owner.orgId);
    // Business calendar: UTC, Monday–Friday 09:00–17:00 (the default).
    const actor = { userId: owner.userId };
    const mk = (createdAt: number, channel: "email" | "web", assigneeId: string | null) =>
      createTicket(db, owner.orgId, actor, { subject: "t", requesterEmail: "a@b.co", createdAt, channel, assigneeId });
    // Monday 10:00, email, agent: answered after 1 h, solved Tuesday 10:00 (8 business hours).
    const a = await mk(MON + 10 * H, "email", agent.userId);
    // Monday 12:00, web, owner: answered after 3 h, still open.
    const b = await mk(MON + 12 * H, "web", owner.userId);
    // Tuesday 09:00, email, agent: never answered, solved Tuesday 11:00.
    const c = await mk(MON + D + 9 * H, "email", agent.userId);
    await addComment(db, owner.orgId, { userId: agent.userId }, a.id, { kind: "public", body: "hi", createdAt: MON + 11 * H });
    await addComment(db, owner.orgId, actor, b.id, { kind: "public", body: "hi", createdAt: MON + 15 * H });
    const solve = async (id: string, at: number) => {
      await updateTicket(db, owner.orgId, actor, id, { status: "solved" });
      await db.update(supportTickets).set({ solvedAt: at }).where(eq(supportTickets.id, id));
    };
    await solve(a.id, MON + D + 10 * H);
    await solve(c.id, MON + D + 11 * H);
    // An SLA verdict: a breached, c met.
    await db.update(supportTickets).set({ slaPolicyId: "p", firstResponseBreachedAt: MON + 11 * H }).where(eq(supportTickets.id, a.id));
    await db.update(supportTickets).set({ slaPolicyId: "p" }).where(eq(supportTickets.id, c.id));

    const res = await api(`/api/support/analytics?from=2026-11-02T00:00:00Z&to=2026-11-03T23:59:59Z`, { token: agent.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const data = res.body.data;
    expect(data.days).toEqual([
      { date: "2026-11-02", created: 2, solved: 0, backlog: 2 },
      { date: "2026-11-03", created: 1, solved: 2, backlog: 1 },
    ]);
    expect(data.totals).toMatchObject({ created: 3, solved: 2 });
    expect(data.totals.firstResponse).toEqual({ count: 2, businessMinutes: { median: 120, p90: 168 }, wallMinutes: { median: 120, p90: 168 } });
    // a: Mon 10:00 → Tue 10:00 is 24 h wall, 8 h business; c: 2 h both.
    expect(data.totals.resolution).toEqual({ count: 2, businessMinutes: { median: 300, p90: 444 }, wallMinutes: { median: 780, p90: 1308 } });
    expect(data.totals.sla).toEqual({ decided: 2, met: 1, percent: 50 });
    const byAgent = Object.fromEntries(data.perAgent.map((r: { assigneeId: string }) => [r.assigneeId, r]));
    expect(byAgent[agent.userId]).toMatchObject({ created: 2, solved: 2, name: "agent person" });
    expect(byAgent[owner.userId]).toMatchObject({ created: 1, solved: 0 });
    expect(data.perChannel.map((r: { channel: string; created: number }) => [r.channel, r.created])).toEqual([
      ["email", 2],
      ["web", 1],
    ]);
  });

  it("rejects a reversed or too long range", async () => {
    const owner = await registerAccount("anbad");
    expectError(await api(`/api/support/analytics?from=${MON}&to=${MON - 1}`, { token: owner.token }), 400, "validation_error");
    expectError(await api(`/api/support/analytics?from=${MON - 400 * D}&to=${MON}`, { token: owner.token }), 400, "validation_error");
    expectError(await api(`/api/support/analytics?from=yesterday`, { token: owner.token }), 400, "validation_error");
  });
});

describe("support settings", () => {
  it("gives each organization its own inbound address, changeable by managers only", async () => {
    const a = await registerAccount("set");
    const b = await registerAccount("set");
    const agent = await addMember(a, "agent");
    const sa = (await api("/api/support/settings", { token: a.token })).body.data;
    const sb = (await api("/api/support/settings", { token: b.token })).body.data;
    expect(sa.inboundAddress).toMatch(/^support\+[a-z0-9-]+@inbound\.neuracrm\.local$/);
    expect(sa.inboundAddress).not.toBe(sb.inboundAddress);
    expect(sa.outbound).toMatchObject({ configured: false });
    expectError(await api("/api/support/settings", { method: "PATCH", token: agent.token, body: { fromName: "x" } }), 403, "forbidden");
    const changed = await api("/api/support/settings", { method: "PATCH", token: a.token, body: { inboundLocalPart: "Help-A", fromAddress: "help@a.example" } });
    expect(changed.body.data).toMatchObject({ inboundAddress: "help-a@inbound.neuracrm.local", fromAddress: "help@a.example" });
    expectError(await api("/api/support/settings", { method: "PATCH", token: b.token, body: { inboundLocalPart: "help-a" } }), 409, "conflict");
    expectError(await api("/api/support/settings", { method: "PATCH", token: b.token, body: { inboundLocalPart: "bad address" } }), 400, "validation_error");
  });
});
