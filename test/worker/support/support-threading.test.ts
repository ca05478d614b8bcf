import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orgDb } from "../../../worker/platform/db";
import { changeTicket, commentOnTicket, openTicket } from "../../../worker/support/tickets/ticket-flow";
import { addMessageIds, findTicketForMail, subjectTag } from "../../../worker/support/email/mail-threading";
import { registerAccount } from "../../helpers";

describe("mail threading lookups", () => {
  it("finds a ticket by a Message-ID of its thread or by its subject tag, within one organization only", async () => {
    const a = await registerAccount("thr");
    const b = await registerAccount("thr2");
    const db = orgDb(env, a.orgId);
    const ticket = await openTicket(env, a.orgId, { userId: null }, { subject: "Help", requesterEmail: "c@x.example", channel: "email", emailMessageIds: ["<first@x.example>"] });
    expect(ticket.status).toBe("new");
    await addMessageIds(db, a.orgId, ticket.id, ["reply-1@neuracrm.local"]);
    expect((await findTicketForMail(db, a.orgId, { messageIds: ["<first@x.example>"] }))?.id).toBe(ticket.id);
    expect((await findTicketForMail(db, a.orgId, { messageIds: ["<other@x>", "<reply-1@neuracrm.local>"] }))?.id).toBe(ticket.id);
    expect((await findTicketForMail(db, a.orgId, { messageIds: [], subject: `Re: Help ${subjectTag(ticket)}` }))?.id).toBe(ticket.id);
    expect(await findTicketForMail(db, a.orgId, { messageIds: [], subject: `Re: [#${ticket.number}-guessedtoken1]` })).toBeNull();
    expect(await findTicketForMail(orgDb(env, b.orgId), b.orgId, { messageIds: ["<first@x.example>"], subject: subjectTag(ticket) })).toBeNull();
  });

  it("reopens a pending ticket when the requester writes, without letting them write internal notes", async () => {
    const a = await registerAccount("thr3");
    const ticket = await openTicket(env, a.orgId, { userId: null }, { subject: "Help", requesterEmail: "c@x.example", channel: "email" });
    await commentOnTicket(env, a.orgId, { userId: a.userId }, ticket.id, { kind: "public", body: "Which version?" });
    await changeTicket(env, a.orgId, { userId: a.userId }, ticket.id, { status: "pending" });
    const reply = await commentOnTicket(env, a.orgId, { userId: null }, ticket.id, {
      kind: "public",
      body: "Version 2",
      authorType: "email",
      authorEmail: "c@x.example",
      emailMessageId: "<r2@x.example>",
    });
    expect(reply.after).toMatchObject({ status: "open", slaPausedAt: null });
    expect(reply.after.emailMessageIds).toContain("<r2@x.example>");
    await expect(
      commentOnTicket(env, a.orgId, { userId: null }, ticket.id, { kind: "internal", body: "x", authorType: "email", authorEmail: "c@x.example" }),
    ).rejects.toMatchObject({ code: "validation_error" });
  });
});
