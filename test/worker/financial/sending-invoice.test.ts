import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import PostalMime from "postal-mime";
import { describe, expect, inject, it } from "vitest";
import worker from "../../../worker/index";
import { INVOICE_SEND_JOB, type InvoiceSendJob } from "../../../schema/jobs";
import { deliverInvoice } from "../../../worker/financial/sending/invoice-sending";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { auditActions } from "../../record-helpers";
import { FAKE_MAILGUN } from "../../fakes/email-api-fixtures";
import { joinRoom, until } from "../../room-client";
import { fetchRaw, insertInvoice, invoiceRow, pdfPagesText } from "./pdf-fixture";

/** The worker's env with mail going to the local fake Mailgun, and queued jobs kept for the test to run. */
function mailEnv() {
  const jobs: InvoiceSendJob[] = [];
  const configured = {
    ...env,
    EMAIL_API_URL: `${inject("emailApiFakeUrl")}/v3/${FAKE_MAILGUN.domain}/messages.mime`,
    EMAIL_API_KEY: FAKE_MAILGUN.apiKey,
    JOBS: { send: async (job: InvoiceSendJob) => void jobs.push(job), sendBatch: async () => undefined } as unknown as Queue,
  } as typeof env;
  return { env: configured, jobs };
}

/** POST …/send through the worker with `target` as its env. */
async function send(target: typeof env, account: Account, invoiceId: string, body: Record<string, unknown> = {}) {
  const ctx = createExecutionContext();
  const res = await worker.fetch(
    new Request(`${BASE}/api/financial/invoices/${invoiceId}/send`, {
      method: "POST",
      headers: { authorization: `Bearer ${account.token}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    target,
    ctx,
  );
  await waitOnExecutionContext(ctx);
  return { status: res.status, body: (await res.json()) as any };
}

async function sentTo(address: string): Promise<{ to: string; mime: string }[]> {
  return (await fetch(`${inject("emailApiFakeUrl")}/__sent?to=${encodeURIComponent(address)}`)).json();
}

describe("POST /api/financial/invoices/{id}/send", () => {
  it("queues the send, then mails the PDF and a fresh link to the contact, and records it", async () => {
    const owner = await registerAccount("snd");
    const invoice = await insertInvoice(owner.orgId, { contactEmail: "jane.send.invoice@example.com" });
    const mail = mailEnv();
    const res = await send(mail.env, owner, invoice.id, { cc: ["ap@globex.example"], message: "Thanks for the order!" });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.data).toMatchObject({ status: "queued", to: ["jane.send.invoice@example.com"], cc: ["ap@globex.example"], subject: `Invoice ${invoice.number} from snd org` });
    expect(mail.jobs).toHaveLength(1);
    expect(mail.jobs[0]).toMatchObject({ type: INVOICE_SEND_JOB, orgId: owner.orgId, invoiceId: invoice.id, origin: BASE });
    expect(await invoiceRow(invoice.id)).toMatchObject({ sendStatus: "queued", sentAt: null });

    const result = await deliverInvoice(mail.env, mail.jobs[0]!);
    const [message] = await sentTo("jane.send.invoice@example.com, ap@globex.example");
    expect(message).toBeDefined();
    const parsed = await PostalMime.parse(message!.mime);
    expect(parsed.subject).toBe(res.body.data.subject);
    expect(parsed.cc?.map((a) => a.address)).toEqual(["ap@globex.example"]);
    const link = result!.link;
    expect(link).toMatch(/^http:\/\/neuracrm\.test\/documents\/[A-Za-z0-9_-]{43}$/);
    expect(parsed.text).toContain("Thanks for the order!");
    expect(parsed.text).toContain(`View and pay online: ${link}`);
    expect(parsed.html).toContain(`href="${link}"`);
    const [attachment] = parsed.attachments;
    expect(attachment).toMatchObject({ filename: `${invoice.number}.pdf`, mimeType: "application/pdf" });
    const pdf = new Uint8Array(attachment!.content as ArrayBuffer);
    expect((await pdfPagesText(pdf))[0]).toEqual(expect.arrayContaining([invoice.number!, link]));

    const row = await invoiceRow(invoice.id);
    expect(row).toMatchObject({ sendStatus: "sent", sendError: null, sentTo: "jane.send.invoice@example.com, ap@globex.example" });
    expect(row?.sentAt).toEqual(expect.any(Number));
    expect((await fetchRaw(`/api/public/documents/${link.split("/documents/")[1]}/pdf`)).status).toBe(200);
    expect(await auditActions(owner.token, "invoice", invoice.id)).toEqual(expect.arrayContaining(["invoice_send_queued", "invoice_sent"]));
  });

  it("tells members the document was sent, live", async () => {
    const owner = await registerAccount("sndev");
    const viewer = await addMember(owner, "viewer");
    const room = await joinRoom(owner.orgId, viewer.token);
    const invoice = await insertInvoice(owner.orgId, { ownerId: owner.userId });
    const mail = mailEnv();
    expect((await send(mail.env, owner, invoice.id)).status).toBe(202);
    await deliverInvoice(mail.env, mail.jobs[0]!);
    const sent = () => room.events.find((e) => e.type === "invoice_updated" && e.data.invoice.id === invoice.id && e.data.change === "sent");
    await until(() => sent() !== undefined, "the sent event");
    expect(sent()!.data).toMatchObject({ by: owner.userId, invoice: { id: invoice.id, status: "open", number: invoice.number } });
    room.close();
  });

  it("sends a quote with a link to review and accept it", async () => {
    const owner = await registerAccount("sndq");
    const quote = await insertInvoice(owner.orgId, { kind: "quote", number: "Q-2026-0042", contactEmail: "quote.reader@example.com" });
    const mail = mailEnv();
    expect((await send(mail.env, owner, quote.id)).status).toBe(202);
    const result = await deliverInvoice(mail.env, mail.jobs[0]!);
    const [message] = await sentTo("quote.reader@example.com");
    const parsed = await PostalMime.parse(message!.mime);
    expect(parsed.subject).toMatch(/^Quote Q-2026-0042 from /);
    expect(parsed.text).toContain(`Review and accept: ${result!.link}`);
  });

  it("records a refused delivery as failed with the provider's reason and throws so the queue retries", async () => {
    const owner = await registerAccount("sndfail");
    const invoice = await insertInvoice(owner.orgId);
    const mail = mailEnv();
    expect((await send(mail.env, owner, invoice.id, { to: [`someone@${FAKE_MAILGUN.refusedDomain}`] })).status).toBe(202);
    await expect(deliverInvoice(mail.env, mail.jobs[0]!)).rejects.toThrow(/not a valid address/);
    const row = await invoiceRow(invoice.id);
    expect(row).toMatchObject({ sendStatus: "failed", sentAt: null });
    expect(row?.sendError).toMatch(/Email API answered 400/);
    expect(await auditActions(owner.token, "invoice", invoice.id)).toContain("invoice_send_failed");
  });

  it("answers not_configured without a mail sender and writes nothing", async () => {
    const owner = await registerAccount("sndnone");
    const invoice = await insertInvoice(owner.orgId);
    const res = await api(`/api/financial/invoices/${invoice.id}/send`, { token: owner.token, body: {} });
    expectError(res, 409, "not_configured");
    expect(res.body.error.message).toMatch(/SEND_EMAIL|EMAIL_API_URL/);
    const row = await invoiceRow(invoice.id);
    expect(row).toMatchObject({ sendStatus: null, sentAt: null, publicTokenHash: null, updatedAt: invoice.updatedAt });
    expect(await auditActions(owner.token, "invoice", invoice.id)).toEqual([]);
  });

  it("refuses drafts, a document without recipient, viewers and other organizations, queuing nothing", async () => {
    const owner = await registerAccount("sndref");
    const viewer = await addMember(owner, "viewer");
    const stranger = await registerAccount("sndstr");
    const mail = mailEnv();
    const draft = await insertInvoice(owner.orgId, { status: "draft", number: null, sequence: null });
    const noEmail = await insertInvoice(owner.orgId, { contactEmail: null });
    const invoice = await insertInvoice(owner.orgId);

    const drafted = await send(mail.env, owner, draft.id);
    expect(drafted.status).toBe(409);
    expect(drafted.body.error.code).toBe("conflict");
    const nobody = await send(mail.env, owner, noEmail.id);
    expect(nobody.status).toBe(400);
    expect(nobody.body.error).toMatchObject({ code: "validation_error", details: { to: [expect.stringContaining("no email")] } });
    expect((await send(mail.env, owner, invoice.id, { to: ["not-an-address"] })).status).toBe(400);
    expect((await send(mail.env, viewer, invoice.id)).status).toBe(403);
    expect((await send(mail.env, stranger, invoice.id)).status).toBe(404);
    expect(mail.jobs).toEqual([]);
    for (const id of [draft.id, noEmail.id, invoice.id]) expect(await invoiceRow(id)).toMatchObject({ sendStatus: null, publicTokenHash: null });
  });
});
