import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { detectBreaches } from "../../../worker/support/sla/sla-breaches";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { openTicketVia } from "../support/support-helpers";
import { domainEvents, typesOf, waitForDomainEvents } from "./events-fixture";

const MIN = 60_000;
const ALWAYS = { timeZone: "UTC", workingDays: [1, 2, 3, 4, 5, 6, 7], startMinute: 0, endMinute: 1440, holidays: [] };

describe("domain events of tickets", () => {
  it("raises created, updated with previous, and deleted, in the REST shape", async () => {
    const owner = await registerAccount("evt");
    const ticket = await openTicketVia(owner);
    const patched = await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: owner.token, body: { priority: "urgent" } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect((await api(`/api/support/tickets/${ticket.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 3, ticket.id);
    expect(typesOf(events)).toEqual(["ticket.created", "ticket.updated", "ticket.deleted"]);
    expect(events[0]).toMatchObject({ entity: "ticket", actorId: owner.userId, record: { id: ticket.id, subject: ticket.subject, sla: expect.any(Object) } });
    expect(events[1]).toMatchObject({ previous: { priority: ticket.priority }, record: { priority: "urgent" } });
    expect(events[1]!.changed).toContain("priority");
    expect(events[2]!.record).toMatchObject({ id: ticket.id, priority: "urgent" });
  });

  it("raises no event for a viewer's or another tenant's refused change", async () => {
    const owner = await registerAccount("evtx");
    const viewer = await addMember(owner, "viewer");
    const stranger = await registerAccount("evtx2");
    const ticket = await openTicketVia(owner);
    await waitForDomainEvents(owner.orgId, 1);
    expectError(await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: viewer.token, body: { priority: "low" } }), 403, "forbidden");
    expectError(await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: stranger.token, body: { priority: "low" } }), 404, "not_found");
    const marker = await openTicketVia(owner, { subject: "Marker" });
    const events = await waitForDomainEvents(owner.orgId, 2);
    expect(typesOf(events)).toEqual(["ticket.created", "ticket.created"]);
    expect(events[1]!.entityId).toBe(marker.id);
    expect(await domainEvents(stranger.orgId)).toEqual([]);
  });

  it("raises ticket.sla_breached once per target that ran out, naming it", async () => {
    const owner = await registerAccount("evtsla");
    expect((await api("/api/support/calendar", { method: "PUT", token: owner.token, body: ALWAYS })).status).toBe(200);
    const policy = { priority: "high", firstResponseMinutes: 60, resolutionMinutes: 240 };
    expect((await api("/api/support/sla-policies", { method: "PUT", token: owner.token, body: policy })).status).toBe(200);
    const ticket = await openTicketVia(owner, { priority: "high" });
    await detectBreaches(env, ticket.createdAt + 30 * MIN, owner.orgId);
    const at = ticket.createdAt + 61 * MIN;
    await detectBreaches(env, at, owner.orgId);
    await detectBreaches(env, at + MIN, owner.orgId);
    const events = await waitForDomainEvents(owner.orgId, 2, ticket.id);
    expect(typesOf(events)).toEqual(["ticket.created", "ticket.sla_breached"]);
    expect(events[1]).toMatchObject({
      actorId: null,
      context: { target: "first_response", dueAt: ticket.firstResponseDueAt, breachedAt: at },
      record: { id: ticket.id, firstResponseBreachedAt: at },
    });
  });
  it("raises an update of both tickets when one is merged into the other, naming the merge", async () => {
    const owner = await registerAccount("evtmrg");
    const source = await openTicketVia(owner, { subject: "Printer broken" });
    const target = await openTicketVia(owner, { subject: "Printer still broken" });
    const merged = await api(`/api/support/tickets/${source.id}/merge`, { token: owner.token, body: { intoId: target.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 4);
    const closed = events.find((e) => e.type === "ticket.updated" && e.entityId === source.id)!;
    expect(closed).toMatchObject({
      actorId: owner.userId,
      previous: { status: source.status, mergedIntoId: null },
      record: { status: "closed", mergedIntoId: target.id },
      context: { merge: { sourceId: source.id, intoId: target.id } },
    });
    expect(closed.changed).toEqual(expect.arrayContaining(["status", "mergedIntoId"]));
    const into = events.find((e) => e.type === "ticket.updated" && e.entityId === target.id)!;
    expect(into.context).toEqual({ merge: { sourceId: source.id, intoId: target.id } });
    expect(typesOf(events).sort()).toEqual(["ticket.created", "ticket.created", "ticket.updated", "ticket.updated"]);
  });
});
