import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { describe, expect, inject, it } from "vitest";
import { buildReplyMime } from "../../../worker/support/email/outbound-mime";
import worker from "../../../worker/index";
import type { Job } from "../../../worker/platform/job-queue";
import { deliverReply, queueReplyMail, REPLY_JOB } from "../../../worker/support/email/outbound-mail";
import { outboundStatus } from "../../../worker/support/support-settings";
import { requireTicket } from "../../../worker/support/tickets/tickets";
import { orgDb } from "../../../worker/platform/db";
import { api, registerAccount, type Account } from "../../helpers";
import { FAKE_MAILGUN } from "../../fakes/email-api-fixtures";
import { deliver, emailTickets, fixture, inboundAddress, ticketDetail } from "./support-email-helpers";
import { openTicketVia } from "./support-helpers";

/** The worker's env with the HTTP email API pointed at the local fake Mailgun. */
const mailgunEnv = (overrides: Record<string, string> = {}) => ({
  ...env,
  EMAIL_API_URL: `${inject("emailApiFakeUrl")}/v3/${FAKE_MAILGUN.domain}/messages.mime`,
  EMAIL_API_KEY: FAKE_MAILGUN.apiKey,
  ...overrides,
});

async function sentTo(address: string): Promise<{ id: string; to: string; mime: string }[]> {
  const res = await fetch(`${inject("emailApiFakeUrl")}/__sent?to=${encodeURIComponent(address)}`);
  return res.json();
}

/** An email ticket opened by mail from `from`, and an agent's public reply saved through the API. */
async function ticketWithReply(owner: Account, raw: string, from: string) {
  await deliver(raw, { from, to: await inboundAddress(owner) });
  const ticket = (await emailTickets(owner)).find((t) => t.requesterEmail === from.toLowerCase());
  const res = await api(`/api/support/tickets/${ticket.id}/comments`, { token: owner.token, body: { kind: "public", body: "Please clear your cookies and try again.\n\nBest,\nSupport" } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { ticket, comment: res.body.data.comment };
}

describe("outbound replies without a sender", () => {
  it("saves the reply, marks it not sent and says what to configure", async () => {
    const owner = await registerAccount("outnone");
    const settings = await api("/api/support/settings", { token: owner.token });
    expect(settings.body.data.outbound).toEqual({
      configured: false,
      provider: null,
      message: expect.stringContaining("SEND_EMAIL"),
    });
    const { ticket, comment } = await ticketWithReply(owner, fixture("plain.eml"), "jane.doe@example.com");
    expect(comment).toMatchObject({ kind: "public", deliveryStatus: "not_configured", deliveryError: expect.stringContaining("EMAIL_API_KEY") });
    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.comments[0]).toMatchObject({ id: comment.id, deliveryStatus: "not_configured", deliveredAt: null });

    const note = await api(`/api/support/tickets/${ticket.id}/comments`, { token: owner.token, body: { kind: "internal", body: "Checked the logs" } });
    expect(note.body.data.comment.deliveryStatus).toBeNull();
    const web = await openTicketVia(owner, { channel: "web" });
    const webReply = await api(`/api/support/tickets/${web.id}/comments`, { token: owner.token, body: { kind: "public", body: "Done" } });
    expect(webReply.body.data.comment.deliveryStatus).toBeNull();
  });

  it("names the missing piece when only half of the HTTP API is configured", () => {
    expect(outboundStatus({ EMAIL_API_KEY: "k" })).toMatchObject({ configured: false, message: expect.stringContaining("EMAIL_API_URL is missing") });
    expect(outboundStatus({ EMAIL_API_KEY: "k", EMAIL_API_URL: "https://api.mailgun.net/v3/mg.example.com/messages.mime" })).toMatchObject({ configured: true, provider: "mailgun" });
  });
});

describe("outbound replies through the Mailgun API", () => {
  it("queues a reply with its own Message-ID recorded on the ticket", async () => {
    const owner = await registerAccount("outqueue");
    const { ticket, comment } = await ticketWithReply(owner, fixture("plain.eml", { "plain-0001": "plain-q-0001" }), "jane.doe@example.com");
    const queued = await queueReplyMail(mailgunEnv(), owner.orgId, await requireTicket(orgDb(env, owner.orgId), owner.orgId, ticket.id), comment);
    expect(queued).toMatchObject({ deliveryStatus: "queued", deliveryError: null, emailMessageId: `<reply-${comment.id}@inbound.neuracrm.local>` });
    const after = await requireTicket(orgDb(env, owner.orgId), owner.orgId, ticket.id);
    expect(after.emailMessageIds).toContain(queued.emailMessageId);
  });

  it("sends a MIME reply that threads (In-Reply-To, References, subject tag) and a customer answer threads back", async () => {
    const owner = await registerAccount("outsend");
    const raw = fixture("plain.eml", { "plain-0001": "plain-s-0001", "Jane.Doe@Example.com": "jane.send@example.com" });
    const { ticket, comment } = await ticketWithReply(owner, raw, "jane.send@example.com");
    await deliverReply(mailgunEnv() as typeof env, { orgId: owner.orgId, commentId: comment.id });

    const detail = await ticketDetail(owner, ticket.id);
    const sentComment = detail.comments.find((c: any) => c.id === comment.id);
    expect(sentComment).toMatchObject({ deliveryStatus: "sent", deliveryError: null, deliveryAttempts: 1, emailMessageId: `<reply-${comment.id}@inbound.neuracrm.local>` });
    expect(sentComment.deliveredAt).toEqual(expect.any(Number));
    expect(detail.emailMessageIds).toContain(sentComment.emailMessageId);

    const [sent, ...more] = await sentTo("jane.send@example.com");
    expect(more).toHaveLength(0);
    const mime = await PostalMime.parse(sent!.mime);
    const inbound = await inboundAddress(owner);
    expect(mime.messageId).toBe(sentComment.emailMessageId);
    expect(mime.inReplyTo).toBe("<CAF3x9k2-plain-s-0001@mail.example.com>");
    expect(mime.references).toContain("<CAF3x9k2-plain-s-0001@mail.example.com>");
    expect(mime.subject).toBe(`Re: Cannot log in after password reset [#${ticket.number}-${ticket.threadToken}]`);
    expect(mime.from).toMatchObject({ address: inbound });
    expect(mime.replyTo?.[0]).toMatchObject({ address: inbound });
    expect(mime.to?.[0]).toMatchObject({ address: "jane.send@example.com", name: "Jane Doe" });
    expect(mime.text?.trim()).toBe("Please clear your cookies and try again.\n\nBest,\nSupport");

    // A second run of the same job (a queue redelivery) sends nothing more.
    await deliverReply(mailgunEnv() as typeof env, { orgId: owner.orgId, commentId: comment.id });
    expect(await sentTo("jane.send@example.com")).toHaveLength(1);

    const answer = [
      "From: Jane Doe <jane.send@example.com>",
      `To: ${inbound}`,
      `Subject: Re: ${mime.subject}`,
      "Message-ID: <answer-to-reply@mail.example.com>",
      `In-Reply-To: ${mime.messageId}`,
      `References: <CAF3x9k2-plain-s-0001@mail.example.com> ${mime.messageId}`,
      "Content-Type: text/plain; charset=UTF-8",
      "",
      "Cookies cleared, all good now.",
      "",
    ].join("\r\n");
    await deliver(answer, { from: "jane.send@example.com", to: inbound });
    expect(await emailTickets(owner)).toHaveLength(1);
    const threaded = await ticketDetail(owner, ticket.id);
    expect(threaded.comments.at(-1)).toMatchObject({ authorType: "email", body: "Cookies cleared, all good now." });
  });

  it("marks a refused send as failed with the API's reason, counts attempts and throws so the queue retries", async () => {
    const owner = await registerAccount("outfail");
    const raw = fixture("plain.eml", { "plain-0001": "plain-f-0001", "Jane.Doe@Example.com": "nobody@bounce.example" });
    const { ticket, comment } = await ticketWithReply(owner, raw, "nobody@bounce.example");
    await expect(deliverReply(mailgunEnv() as typeof env, { orgId: owner.orgId, commentId: comment.id })).rejects.toThrow(/Email API answered 400/);
    await expect(deliverReply(mailgunEnv({ EMAIL_API_KEY: "wrong-key" }) as typeof env, { orgId: owner.orgId, commentId: comment.id })).rejects.toThrow(
      "Email API answered 401: Forbidden",
    );
    const failed = (await ticketDetail(owner, ticket.id)).comments.find((c: any) => c.id === comment.id);
    expect(failed).toMatchObject({ deliveryStatus: "failed", deliveryAttempts: 2, deliveryError: "Email API answered 401: Forbidden", deliveredAt: null });
  });

  it("refuses an email API URL the outbound guard does not allow, sending nothing", async () => {
    const owner = await registerAccount("outguard");
    const raw = fixture("plain.eml", { "plain-0001": "plain-g-0001", "Jane.Doe@Example.com": "jane.guard@example.com" });
    const { ticket, comment } = await ticketWithReply(owner, raw, "jane.guard@example.com");
    // Production leaves OUTBOUND_ALLOW_LOOPBACK unset: the fake Mailgun on 127.0.0.1 is then out of reach.
    await expect(deliverReply(mailgunEnv({ OUTBOUND_ALLOW_LOOPBACK: "" }) as typeof env, { orgId: owner.orgId, commentId: comment.id })).rejects.toThrow(/loopback/);
    await expect(
      deliverReply(mailgunEnv({ EMAIL_API_URL: "https://169.254.169.254/v3/x/messages.mime" }) as typeof env, { orgId: owner.orgId, commentId: comment.id }),
    ).rejects.toThrow(/not a public address/);
    expect(await sentTo("jane.guard@example.com")).toEqual([]);
    const failed = (await ticketDetail(owner, ticket.id)).comments.find((c: any) => c.id === comment.id);
    expect(failed).toMatchObject({ deliveryStatus: "failed", deliveryAttempts: 2, deliveredAt: null });
  });

  it("runs as a queue job: acked once sent, retried while the API refuses", async () => {
    const owner = await registerAccount("outjob");
    const ok = await ticketWithReply(owner, fixture("plain.eml", { "plain-0001": "plain-j-0001", "Jane.Doe@Example.com": "jane.queue@example.com" }), "jane.queue@example.com");
    const bad = await ticketWithReply(owner, fixture("plain.eml", { "plain-0001": "plain-j-0002", "Jane.Doe@Example.com": "queue@bounce.example" }), "queue@bounce.example");
    const batch = createMessageBatch<Job>("neuracrm-jobs", [
      { id: "ok", timestamp: new Date(), attempts: 1, body: { type: REPLY_JOB, orgId: owner.orgId, commentId: ok.comment.id } },
      { id: "bad", timestamp: new Date(), attempts: 1, body: { type: REPLY_JOB, orgId: owner.orgId, commentId: bad.comment.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, mailgunEnv() as typeof env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["ok"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["bad"]);
    expect(await sentTo("jane.queue@example.com")).toHaveLength(1);
    expect((await ticketDetail(owner, bad.ticket.id)).comments[0]).toMatchObject({ deliveryStatus: "failed", deliveryAttempts: 1 });
  });

  it("sends through a send_email binding when one is bound, and records what the binding refuses", async () => {
    const owner = await registerAccount("outbinding");
    const binding = (env as unknown as { TEST_SEND_EMAIL: SendEmail }).TEST_SEND_EMAIL;
    const bound = { ...env, SEND_EMAIL: binding } as typeof env;
    expect(outboundStatus(bound)).toMatchObject({ configured: true, provider: "cloudflare_send_email" });

    const allowed = fixture("plain.eml", { "plain-0001": "plain-b-0001", "Jane.Doe@Example.com": "jane.binding@example.com" });
    const { ticket, comment } = await ticketWithReply(owner, allowed, "jane.binding@example.com");
    await deliverReply(bound, { orgId: owner.orgId, commentId: comment.id });
    expect((await ticketDetail(owner, ticket.id)).comments.find((c: any) => c.id === comment.id)).toMatchObject({ deliveryStatus: "sent", deliveryAttempts: 1 });

    // The binding only mails verified destinations; anyone else is refused, and the reply says so.
    const other = await registerAccount("outbinding2");
    const refused = await ticketWithReply(other, fixture("plain.eml", { "plain-0001": "plain-b-0002" }), "jane.doe@example.com");
    await expect(deliverReply(bound, { orgId: other.orgId, commentId: refused.comment.id })).rejects.toThrow(/send_email refused the message/);
    expect((await ticketDetail(other, refused.ticket.id)).comments[0]).toMatchObject({ deliveryStatus: "failed", deliveryError: expect.stringContaining("send_email refused") });
  });

  it("builds standards-compliant MIME for non-ASCII subjects and bodies", async () => {
    const raw = buildReplyMime({
      from: { addr: "support+acme@inbound.neuracrm.local", name: "Acme Süpport" },
      replyTo: "support+acme@inbound.neuracrm.local",
      to: { addr: "juergen@example.de" },
      subject: "Re: Grüße aus Köln [#1001-abcdefghijkl]",
      messageId: "<reply-x@inbound.neuracrm.local>",
      inReplyTo: "<latin1-0008@example.de>",
      references: ["<latin1-0008@example.de>"],
      text: "Die Rechnung für März ist unterwegs.",
      ticketNumber: 1001,
    });
    expect(/^[\x00-\x7f]*$/.test(raw)).toBe(true);
    const mime = await PostalMime.parse(raw);
    expect(mime.subject).toBe("Re: Grüße aus Köln [#1001-abcdefghijkl]");
    expect(mime.text?.trim()).toBe("Die Rechnung für März ist unterwegs.");
    expect(mime.from).toMatchObject({ name: "Acme Süpport" });
  });
});
