import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { openTicketVia } from "./support-helpers";

const HOUR = 3_600_000;

describe("support history import", () => {
  it("lets an owner import a past ticket with its reply and solve times, which analytics then measure", async () => {
    const owner = await registerAccount("hist");
    const opened = Date.now() - 72 * HOUR;
    const ticket = await openTicketVia(owner, { createdAt: opened });
    expect(ticket.createdAt).toBe(opened);

    const reply = await api(`/api/support/tickets/${ticket.id}/comments`, {
      token: owner.token,
      body: { kind: "public", body: "On it", createdAt: opened + 2 * HOUR },
    });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    expect(reply.body.data.ticket.firstRespondedAt).toBe(opened + 2 * HOUR);

    const solved = await api(`/api/support/tickets/${ticket.id}`, {
      method: "PATCH",
      token: owner.token,
      body: { status: "solved", at: opened + 5 * HOUR },
    });
    expect(solved.status, JSON.stringify(solved.body)).toBe(200);
    expect(solved.body.data.solvedAt).toBe(opened + 5 * HOUR);

    const stats = await api(`/api/support/analytics?from=${opened - HOUR}&to=${Date.now()}`, { token: owner.token });
    expect(stats.body.data.totals.firstResponse.wallMinutes.median).toBe(120);
    expect(stats.body.data.totals.resolution.wallMinutes.median).toBe(300);
  });

  it("refuses backdating to agents, into the future, and before the ticket existed", async () => {
    const owner = await registerAccount("hist2");
    const agent = await addMember(owner, "agent");
    const past = Date.now() - 10 * HOUR;
    expectError(
      await api("/api/support/tickets", { token: agent.token, body: { subject: "x", requesterEmail: "a@example.com", createdAt: past } }),
      403,
      "forbidden",
    );
    expectError(
      await api("/api/support/tickets", { token: owner.token, body: { subject: "x", requesterEmail: "a@example.com", createdAt: Date.now() + 10 * HOUR } }),
      400,
      "validation_error",
    );
    const ticket = await openTicketVia(owner, { createdAt: past });
    expectError(
      await api(`/api/support/tickets/${ticket.id}/comments`, { token: owner.token, body: { body: "early", createdAt: past - HOUR } }),
      400,
      "validation_error",
    );
    expectError(
      await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: agent.token, body: { status: "solved", at: past + HOUR } }),
      403,
      "forbidden",
    );
    const detail = await api(`/api/support/tickets/${ticket.id}`, { token: owner.token });
    expect(detail.body.data.comments).toEqual([]);
    expect(detail.body.data.status).toBe("new");
  });
});
