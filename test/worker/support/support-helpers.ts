import { expect } from "vitest";
import { api, type Account } from "../../helpers";

/** Opens a ticket through the API and answers it. */
export async function openTicketVia(account: Account, body: Record<string, unknown> = {}) {
  const res = await api("/api/support/tickets", { token: account.token, body: { subject: "Printer on fire", requesterEmail: "pat@example.com", ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

export async function setAvailability(account: Account, status: string) {
  const res = await api(`/api/agents/me/status`, { method: "PUT", token: account.token, body: { status } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}
