import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseInboundMail } from "../../../worker/support/email/email-parse";
import { receiveMail } from "../../../worker/support/email/inbound-mail";
import { openTicket } from "../../../worker/support/tickets/ticket-flow";
import { registerAccount } from "../../helpers";
import { deliver, emailTickets, fixture, inboundAddress, r2Keys, ticketDetail } from "./support-email-helpers";

const count = async (sql: string, ...args: unknown[]) => (await env.DB.prepare(sql).bind(...args).first<{ n: number }>())!.n;

describe("email-to-ticket: the same mail delivered twice at once", () => {
  it("opens one ticket with one set of attachments when the same Message-ID arrives concurrently", async () => {
    const owner = await registerAccount("dupnew");
    const to = await inboundAddress(owner);
    const raw = fixture("mixed-attachments.eml");
    const results = await Promise.all([deliver(raw, { from: "priya@northwind.example", to }), deliver(raw, { from: "priya@northwind.example", to })]);
    expect(results.map((r) => r.rejected)).toEqual([null, null]);

    const tickets = await emailTickets(owner);
    expect(tickets).toHaveLength(1);
    const detail = await ticketDetail(owner, tickets[0].id);
    expect(detail.attachments.map((a: any) => a.filename).sort()).toEqual(["invoice-2291.pdf", "statement.png"]);
    expect(await r2Keys(`${owner.orgId}/tickets/`)).toHaveLength(2);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE org_id = ? AND entity = 'ticket' AND action = 'create'", owner.orgId)).toBe(1);
  });

  it("adds one comment when a reply is delivered twice at once", async () => {
    const owner = await registerAccount("dupreply");
    const to = await inboundAddress(owner);
    await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    const [ticket] = await emailTickets(owner);
    const reply = fixture("reply-in-reply-to.eml");
    await Promise.all([deliver(reply, { from: "jane.doe@example.com", to }), deliver(reply, { from: "jane.doe@example.com", to }), deliver(reply, { from: "jane.doe@example.com", to })]);

    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.comments.map((c: any) => c.emailMessageId)).toEqual(["<CAF3x9k2-reply-0005@mail.example.com>"]);
    expect(detail.emailMessageIds).toEqual(["<CAF3x9k2-plain-0001@mail.example.com>", "<CAF3x9k2-reply-0005@mail.example.com>"]);
    expect(await emailTickets(owner)).toHaveLength(1);
  });

  it("answers duplicate for the delivery that loses the race, having written nothing", async () => {
    const owner = await registerAccount("duprace");
    const mail = await parseInboundMail(new TextEncoder().encode(fixture("plain.eml")));
    const outcomes = await Promise.all([receiveMail(env, owner.orgId, mail, 10), receiveMail(env, owner.orgId, mail, 10)]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["created", "duplicate"]);
    expect(outcomes[0]!.ticketId).toBe(outcomes[1]!.ticketId);
    expect(await count("SELECT count(*) AS n FROM support_tickets WHERE org_id = ?", owner.orgId)).toBe(1);
  });

  it("refuses at the database a second ticket opened from the same Message-ID", async () => {
    const owner = await registerAccount("dupindex");
    const input = { subject: "Twice", channel: "email" as const, requesterEmail: "pat@example.com", emailMessageIds: ["<same@x>"], sourceMessageId: "<same@x>" };
    await openTicket(env, owner.orgId, { userId: null }, input);
    await expect(openTicket(env, owner.orgId, { userId: null }, input)).rejects.toThrow(/UNIQUE constraint failed/);
    expect(await count("SELECT count(*) AS n FROM support_tickets WHERE org_id = ?", owner.orgId)).toBe(1);
    expect(await count("SELECT count(*) AS n FROM audit_log WHERE org_id = ? AND entity = 'ticket'", owner.orgId)).toBe(1);
    // Another organization may hold the same Message-ID (one mail sent to two help desks).
    const other = await registerAccount("dupother");
    await openTicket(env, other.orgId, { userId: null }, input);
  });
});
