import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { seedSupport } from "../../../scripts/seed-support.mjs";
import { addMember, api, BASE, registerAccount } from "../../helpers";
import { deliver } from "./support-email-helpers";

/**
 * The seed's fetch, as `wrangler dev` answers it: /cdn-cgi/handler/email goes
 * to the worker's real email() handler (200, or 400 with the reject reason),
 * everything else to its fetch handler.
 */
async function devFetch(url: string, init?: RequestInit): Promise<Response> {
  const u = new URL(url);
  if (u.pathname === "/cdn-cgi/handler/email") {
    const raw = new Uint8Array(await new Response(init?.body).arrayBuffer());
    const { rejected } = await deliver(raw, { from: u.searchParams.get("from")!, to: u.searchParams.get("to")! });
    return rejected ? new Response(`Worker rejected email with the following reason: ${rejected}`, { status: 400 }) : new Response("Worker successfully processed email");
  }
  return exports.default.fetch(new Request(url, init));
}

describe("demo support desk seed", () => {
  it("creates teams, SLA policies, a calendar and 40 tickets with conversations, email ones through the Email Worker", async () => {
    const owner = await registerAccount("seedsup");
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    for (let i = 0; i < 6; i++) {
      const res = await api("/api/contacts", { token: owner.token, body: { firstName: `Customer${i}`, lastName: "Demo", email: `customer${i}@demo.example` } });
      expect(res.status).toBe(201);
    }
    const seeded = await seedSupport(
      async (path, body) => {
        const res = await api(path, { token: owner.token, body });
        expect(res.status, `${path} ${JSON.stringify(res.body)}`).toBeLessThan(300);
        return res.body.data;
      },
      { base: BASE, token: owner.token, fetch: devFetch },
    );
    expect(seeded).toEqual({ teams: 2, tickets: 40 });

    const teams = (await api("/api/support/teams", { token: owner.token })).body.data;
    expect(teams.map((t: any) => [t.name, t.assignmentRule]).sort()).toEqual([
      ["Billing", "least_loaded"],
      ["Tier 1", "round_robin"],
    ]);
    expect(teams.find((t: any) => t.name === "Tier 1").memberIds.sort()).toEqual([manager.userId, agent.userId].sort());
    const policies = (await api("/api/support/sla-policies", { token: owner.token })).body.data;
    expect(policies.map((p: any) => p.priority).sort()).toEqual(["high", "low", "normal", "urgent"]);
    expect((await api("/api/support/calendar", { token: owner.token })).body.data).toMatchObject({ timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5, 6, 7] });

    const tickets = (await api("/api/support/tickets?per_page=100", { token: owner.token })).body.data as any[];
    expect(tickets).toHaveLength(40);
    expect(new Set(tickets.map((t) => t.channel))).toEqual(new Set(["email", "web", "chat", "phone"]));
    expect(new Set(tickets.map((t) => t.status))).toEqual(new Set(["open", "pending", "on_hold", "solved", "closed"]));
    expect(new Set(tickets.map((t) => t.priority))).toEqual(new Set(["low", "normal", "high", "urgent"]));
    expect(tickets.every((t) => t.assigneeId && t.teamId)).toBe(true);
    expect(tickets.filter((t) => t.contactId).length).toBeGreaterThan(10);
    // Today's email tickets came by mail; the solved and closed ones are imported history spread over two weeks.
    const recent = tickets.filter((t) => t.createdAt > Date.now() - 3_600_000);
    expect(recent.filter((t) => t.channel === "email").every((t) => t.emailMessageIds.length > 0)).toBe(true);
    const settled = tickets.filter((t) => t.status === "solved" || t.status === "closed");
    expect(settled.length).toBeGreaterThan(5);
    expect(settled.every((t) => t.createdAt < Date.now() - 86_400_000 && t.solvedAt > t.firstRespondedAt && t.firstRespondedAt > t.createdAt)).toBe(true);

    const details = await Promise.all(tickets.map(async (t) => (await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data));
    const comments = details.flatMap((d) => d.comments);
    expect(comments.some((c) => c.kind === "internal")).toBe(true);
    expect(comments.filter((c) => c.kind === "public" && c.authorType === "user").length).toBeGreaterThan(15);
    // Customers' follow-ups came in by mail and threaded onto their tickets.
    expect(comments.filter((c) => c.authorType !== "user" && c.emailMessageId).length).toBeGreaterThan(0);
    expect(comments.filter((c) => c.deliveryStatus === "not_configured").length).toBeGreaterThan(0);
  }, 120_000);
});
