import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, registerAccount, type Account } from "../../helpers";
import { openTicketVia } from "./support-helpers";

async function comment(account: Account, ticketId: string, body: string, kind: "public" | "internal" = "public") {
  const res = await api(`/api/support/tickets/${ticketId}/comments`, { token: account.token, body: { kind, body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.comment;
}

async function search(account: Account, query: string) {
  const res = await api(`/api/support/tickets?${query}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.data as { id: string }[]).map((t) => t.id);
}

describe("ticket text search covers the conversation", () => {
  it("finds a ticket by a word only in a public reply or an internal note, as a prefix, never another organization's", async () => {
    const owner = await registerAccount("ftsc");
    const other = await registerAccount("ftsx");
    const replied = await openTicketVia(owner, { subject: "Login trouble", description: "Cannot sign in" });
    const noted = await openTicketVia(owner, { subject: "Invoice question", description: "Billing" });
    await openTicketVia(owner, { subject: "Unrelated", description: "Nothing here" });
    await comment(owner, replied.id, "We recalibrated the flux capacitor, please try again");
    await comment(owner, noted.id, "Escalate to the zanzibar billing crew", "internal");
    const foreign = await openTicketVia(other, { subject: "Capacitor too", description: "zanzibar" });
    await comment(other, foreign.id, "flux capacitor zanzibar");

    expect(await search(owner, "q=capacitor")).toEqual([replied.id]);
    expect(await search(owner, "q=capac")).toEqual([replied.id]);
    expect(await search(owner, "q=flux%20capac")).toEqual([replied.id]);
    expect(await search(owner, "q=zanzib")).toEqual([noted.id]);
    // Words from different places of one ticket combine: subject and a reply.
    expect(await search(owner, "q=login%20recalibrated")).toEqual([replied.id]);
    expect(await search(owner, "q=login%20zanzibar")).toEqual([]);
    expect(await search(other, "q=capacitor")).toEqual([foreign.id]);
  });

  it("ranks subject matches above conversation matches unless a sort is given", async () => {
    const owner = await registerAccount("ftsr");
    const inReply = await openTicketVia(owner, { subject: "Screen flickers", description: "Since Monday" });
    await comment(owner, inReply.id, "Looks like the gizmotron driver again");
    const inSubject = await openTicketVia(owner, { subject: "Gizmotron driver crash", description: "Blue screen" });
    // Touch the reply ticket last so recency alone would put it first.
    await comment(owner, inReply.id, "Any news?");

    expect(await search(owner, "q=gizmotron")).toEqual([inSubject.id, inReply.id]);
    expect(await search(owner, "q=gizmotron&sort=number")).toEqual([inReply.id, inSubject.id]);
    expect(await search(owner, "q=gizmotron&sort=-updatedAt")).toEqual([inReply.id, inSubject.id]);
  });

  it("follows comments moved by a merge and forgets deleted comments and tickets", async () => {
    const owner = await registerAccount("ftsm");
    const source = await openTicketVia(owner, { subject: "Duplicate report", description: "Same issue" });
    const target = await openTicketVia(owner, { subject: "Original report", description: "The issue" });
    await comment(owner, source.id, "The wombat error code is 0x42");
    expect(await search(owner, "q=wombat")).toEqual([source.id]);

    const merged = await api(`/api/support/tickets/${source.id}/merge`, { token: owner.token, body: { intoId: target.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(await search(owner, "q=wombat")).toEqual([target.id]);
    // The closed, merged source no longer holds the moved reply.
    expect(await search(owner, "q=wombat&status=closed")).toEqual([]);
    expect(await search(owner, "q=merged%20into&status=closed")).toEqual([source.id]);

    // Comments have no delete endpoint; removing the row (as a cleanup would) updates the index through its trigger.
    const reply = await comment(owner, target.id, "Try the quokka workaround");
    expect(await search(owner, "q=quokka")).toEqual([target.id]);
    await env.DB.prepare("DELETE FROM support_comments WHERE id = ?").bind(reply.id).run();
    expect(await search(owner, "q=quokka")).toEqual([]);
    expect(await search(owner, "q=wombat")).toEqual([target.id]);

    const removed = await api(`/api/support/tickets/${target.id}`, { method: "DELETE", token: owner.token });
    expect(removed.status, JSON.stringify(removed.body)).toBe(200);
    expect(await search(owner, "q=wombat")).toEqual([]);
    const left = await env.DB.prepare("SELECT count(*) AS n FROM support_tickets_fts WHERE support_tickets_fts MATCH ?")
      .bind(`org_id : "${owner.orgId}" AND wombat`)
      .first<{ n: number }>();
    expect(left!.n).toBe(0);
  });
});
