import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_INBOUND_BYTES, parseInboundMail } from "../../../worker/support/email/email-parse";
import worker from "../../../worker/index";
import { MAX_ATTACHMENT_BYTES } from "../../../worker/support/tickets/ticket-attachments";
import { api, BASE, registerAccount, type Account } from "../../helpers";
import { deliver, emailTickets, fixture, inboundAddress, r2Keys, ticketDetail } from "./support-email-helpers";

async function addContact(account: Account, body: Record<string, unknown>) {
  const res = await api("/api/contacts", { token: account.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

async function ticketsWithMessageId(id: string) {
  const row = await env.DB.prepare("SELECT count(*) AS n FROM support_tickets WHERE email_message_ids LIKE ?").bind(`%${id}%`).first<{ n: number }>();
  return row!.n;
}

describe("email-to-ticket: new tickets", () => {
  it("turns a plain-text mail into an email ticket linked to the contact with that address (any case)", async () => {
    const owner = await registerAccount("mailplain");
    const contact = await addContact(owner, { firstName: "Jane", lastName: "Doe", email: "jane.doe@example.com" });
    const to = await inboundAddress(owner);
    expect(to).toMatch(/^support\+.+@inbound\.neuracrm\.local$/);

    const res = await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    expect(res.rejected).toBeNull();
    const [ticket, ...more] = await emailTickets(owner);
    expect(more).toHaveLength(0);
    expect(ticket).toMatchObject({
      subject: "Cannot log in after password reset",
      channel: "email",
      status: "new",
      contactId: contact.id,
      requesterEmail: "jane.doe@example.com",
      requesterName: "Jane Doe",
      emailMessageIds: ["<CAF3x9k2-plain-0001@mail.example.com>"],
    });
    expect(ticket.description).toContain('the login page still says\n"invalid credentials"');
    expect(ticket.sla.state).toBeDefined();

    // Email Routing may deliver the same mail twice: still one ticket.
    expect((await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to })).rejected).toBeNull();
    expect(await emailTickets(owner)).toHaveLength(1);
  });

  it("prefers the text/plain part of multipart/alternative and keeps the sender as requester when no contact matches", async () => {
    const owner = await registerAccount("mailalt");
    const res = await deliver(fixture("alternative.eml"), { from: "marco@rossi-logistics.example", to: await inboundAddress(owner) });
    expect(res.rejected).toBeNull();
    const [ticket] = await emailTickets(owner);
    expect(ticket).toMatchObject({ contactId: null, requesterEmail: "marco@rossi-logistics.example", requesterName: "Marco Rossi" });
    expect(ticket.description).toBe("Hi team,\n\nThe label printer prints blank pages since the last update \u2014 can you check?\n\nMarco");
  });

  it("sanitizes mail HTML: no scripts, handlers or remote tracking images survive", async () => {
    const mail = await parseInboundMail(new TextEncoder().encode(fixture("alternative.eml")));
    expect(mail.html).toContain("<b>blank pages</b>");
    expect(mail.html).not.toMatch(/<script|alert\(|tracker\.example|<style/);
  });

  it("strips every remote image, media source and stylesheet from mail HTML, so opening a ticket pings no tracker", async () => {
    const mail = await parseInboundMail(new TextEncoder().encode(fixture("remote-media.eml")));
    const html = mail.html!;
    expect(html).not.toMatch(/tracker\.example/);
    expect(html).not.toMatch(/<(video|audio|source|track|picture|link|meta|style|object|embed|iframe|svg|image|input)\b|srcset|background|style=|ping=|poster|cid:|svg\+xml/i);
    expect(html).toContain("<b>invoice</b>");
    expect(html).toContain('<img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">');
    expect(html).toContain('<img alt="cid logo">');
    expect(html).toContain('<a href="https://example.com/help">a link stays</a>');
    expect(html).not.toContain("[removed]");
    expect(mail.text).toMatch(/^Hi, the invoice is wrong\./);
  });

  it("converts an HTML-only mail to readable text", async () => {
    const owner = await registerAccount("mailhtml");
    await deliver(fixture("html-only.eml"), { from: "li.wei@example.org", to: await inboundAddress(owner) });
    const [ticket] = await emailTickets(owner);
    expect(ticket.description).toContain("Exporting contacts to CSV fails with error 500.");
    expect(ticket.description).toContain('- Click "Export"');
    expect(ticket.description).not.toMatch(/<|document\.location|steal/);
  });

  it("stores PDF and PNG attachments in R2, refuses an HTML attachment and says so on the ticket", async () => {
    const owner = await registerAccount("mailatt");
    const raw = fixture("mixed-attachments.eml");
    expect((await deliver(raw, { from: "priya@northwind.example", to: await inboundAddress(owner) })).rejected).toBeNull();
    const [ticket] = await emailTickets(owner);
    expect(ticket.description).toContain("We were charged twice for invoice 2291.");
    expect(ticket.description).toContain("[Attachments not accepted: receipt.html (type text/html not accepted)]");

    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.attachments.map((a: any) => [a.filename, a.contentType]).sort()).toEqual([
      ["invoice-2291.pdf", "application/pdf"],
      ["statement.png", "image/png"],
    ]);
    expect(await r2Keys(`${owner.orgId}/tickets/${ticket.id}/`)).toHaveLength(2);

    const parsed = await parseInboundMail(new TextEncoder().encode(raw));
    for (const a of detail.attachments) {
      const file = await exports.default.fetch(new Request(`${BASE}${a.url}`, { headers: { authorization: `Bearer ${owner.token}` } }));
      expect(file.status).toBe(200);
      const original = parsed.attachments.find((p) => p.filename === a.filename)!;
      expect(new Uint8Array(await file.arrayBuffer())).toEqual(original.data);
    }
    const pdf = await env.FILES.get(`${owner.orgId}/tickets/${ticket.id}/${detail.attachments.find((a: any) => a.contentType === "application/pdf").id}`);
    expect((await pdf!.text()).startsWith("%PDF-1.4")).toBe(true);
  });

  it("takes a forwarded mail: the forwarder is the requester, the quoted original is kept and the attached .eml stored", async () => {
    const owner = await registerAccount("mailfwd");
    await deliver(fixture("forwarded.eml"), { from: "tom@acme-partner.example", to: await inboundAddress(owner) });
    const [ticket] = await emailTickets(owner);
    expect(ticket).toMatchObject({ subject: "Fwd: Wrong VAT on order 5531", requesterEmail: "tom@acme-partner.example" });
    expect(ticket.description).toContain("Order 5531 shows 19% VAT but we are VAT exempt.");
    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.attachments.map((a: any) => [a.filename, a.contentType])).toEqual([["original.eml", "message/rfc822"]]);
  });

  it("decodes a non-UTF-8 (ISO-8859-1, quoted-printable, encoded-word) mail", async () => {
    const owner = await registerAccount("maillatin");
    await deliver(fixture("latin1.eml"), { from: "juergen@example.de", to: await inboundAddress(owner) });
    const [ticket] = await emailTickets(owner);
    expect(ticket.subject).toBe("Grüße aus Köln – Rechnung fehlt");
    expect(ticket.requesterName).toBe("Jürgen Müller");
    expect(ticket.description).toContain("die Rechnung für März fehlt. Schöne Grüße,");
  });
});

describe("email-to-ticket: replies thread onto the ticket", () => {
  it("adds a reply with In-Reply-To as the contact's public comment (quote stripped) and reopens a pending ticket", async () => {
    const owner = await registerAccount("mailthr");
    const contact = await addContact(owner, { firstName: "Jane", lastName: "Doe", email: "Jane.Doe@example.com" });
    const to = await inboundAddress(owner);
    await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    const [ticket] = await emailTickets(owner);
    const pending = await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: owner.token, body: { status: "pending" } });
    expect(pending.body.data.status).toBe("pending");

    expect((await deliver(fixture("reply-in-reply-to.eml"), { from: "jane.doe@example.com", to })).rejected).toBeNull();
    expect(await emailTickets(owner)).toHaveLength(1);
    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.status).toBe("open");
    expect(detail.comments).toHaveLength(1);
    expect(detail.comments[0]).toMatchObject({
      kind: "public",
      authorType: "contact",
      authorId: contact.id,
      authorEmail: "jane.doe@example.com",
      body: "It works now after clearing cookies, thank you!",
      emailMessageId: "<CAF3x9k2-reply-0005@mail.example.com>",
      deliveryStatus: null,
    });
    expect(detail.emailMessageIds).toEqual(["<CAF3x9k2-plain-0001@mail.example.com>", "<CAF3x9k2-reply-0005@mail.example.com>"]);
  });

  it("threads a reply that only carries the ticket tag in its subject, and not one with a guessed token", async () => {
    const owner = await registerAccount("mailtag");
    const to = await inboundAddress(owner);
    await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    const [ticket] = await emailTickets(owner);
    const tag = `[#${ticket.number}-${ticket.threadToken}]`;

    await deliver(fixture("reply-subject-tag.eml", { "{{TAG}}": tag }), { from: "jane.doe@example.com", to });
    const detail = await ticketDetail(owner, ticket.id);
    expect(detail.comments.map((c: any) => [c.authorType, c.body])).toEqual([["email", "My webmail dropped the headers, but I am still locked out on my phone."]]);

    const guessed = fixture("reply-subject-tag.eml", { "{{TAG}}": `[#${ticket.number}-guessedToken99]`, "webmail-reply-0006": "webmail-reply-0006b" });
    await deliver(guessed, { from: "jane.doe@example.com", to });
    expect(await emailTickets(owner)).toHaveLength(2);
  });

  it("opens a follow-up ticket when the mail answers a closed ticket", async () => {
    const owner = await registerAccount("mailclosed");
    const to = await inboundAddress(owner);
    await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    const [ticket] = await emailTickets(owner);
    await api(`/api/support/tickets/${ticket.id}`, { method: "PATCH", token: owner.token, body: { status: "closed" } });
    await deliver(fixture("reply-in-reply-to.eml"), { from: "jane.doe@example.com", to });
    const all = await emailTickets(owner);
    expect(all).toHaveLength(2);
    expect(all[1].subject).toBe("Re: Cannot log in after password reset");
  });
});

describe("email-to-ticket: refused and ignored mail", () => {
  it("rejects mail to an unknown address and writes nothing", async () => {
    const owner = await registerAccount("mailunknown");
    const mine = await inboundAddress(owner);
    const raw = fixture("mixed-attachments.eml", { "mixed-0004.priya": "unknown-rcpt-1" });
    const res = await deliver(raw, { from: "priya@northwind.example", to: "support+nobody-here@inbound.neuracrm.local" });
    expect(res.rejected).toMatch(/^Unknown recipient/);
    const otherDomain = await deliver(raw, { from: "priya@northwind.example", to: mine.replace("inbound.neuracrm.local", "elsewhere.example") });
    expect(otherDomain.rejected).toMatch(/^Unknown recipient/);
    expect(await ticketsWithMessageId("unknown-rcpt-1")).toBe(0);
    expect(await emailTickets(owner)).toHaveLength(0);
  });

  it("rejects malformed mail (no From, garbage, empty) without a partial ticket or R2 objects", async () => {
    const owner = await registerAccount("mailbad");
    const to = await inboundAddress(owner);
    const noFrom = await deliver(fixture("malformed-no-from.eml"), { from: "someone@example.net", to });
    expect(noFrom.rejected).toBe("Malformed message: no valid From address");
    const garbage = await deliver(new Uint8Array([0, 1, 2, 255, 254, 10, 13, 10]), { from: "x@example.net", to });
    expect(garbage.rejected).toMatch(/^Malformed message/);
    const empty = await deliver(new Uint8Array(), { from: "x@example.net", to });
    expect(empty.rejected).toBe("Empty message");
    const blank = await deliver("From: a@example.net\r\nMessage-ID: <blank@example.net>\r\n\r\n", { from: "a@example.net", to });
    expect(blank.rejected).toBe("Empty message: no subject, body or attachments");

    expect(await emailTickets(owner)).toHaveLength(0);
    expect(await r2Keys(`${owner.orgId}/`)).toEqual([]);
    expect(await ticketsWithMessageId("no-from-0009")).toBe(0);
  });

  it("refuses an attachment over 10 MB (noted on the ticket) and rejects mail over the 25 MB limit", async () => {
    const owner = await registerAccount("mailbig");
    const to = await inboundAddress(owner);
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1).fill(0x25);
    let b64 = "";
    for (let i = 0; i < big.length; i += 57 * 1024) b64 += btoa(String.fromCharCode(...big.subarray(i, i + 57 * 1024)));
    const wrapped = b64.replace(/.{76}/g, "$&\r\n");
    const raw = fixture("mixed-attachments.eml", { "mixed-0004.priya": "big-0001" }).replace(
      "--mixed-boundary-42--",
      `--mixed-boundary-42\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${wrapped}\r\n--mixed-boundary-42--`,
    );
    expect((await deliver(raw, { from: "priya@northwind.example", to })).rejected).toBeNull();
    const [ticket] = await emailTickets(owner);
    expect(ticket.description).toContain("scan.pdf (larger than 10 MB)");
    expect((await ticketDetail(owner, ticket.id)).attachments).toHaveLength(2);

    const huge = new Uint8Array(MAX_INBOUND_BYTES + 1).fill(0x61);
    huge.set(new TextEncoder().encode("From: a@example.net\r\nSubject: huge\r\n\r\n"));
    expect((await deliver(huge, { from: "a@example.net", to })).rejected).toBe(`Message too large (limit ${MAX_INBOUND_BYTES} bytes)`);
    expect(await emailTickets(owner)).toHaveLength(1);
  });

  it("rejects mail whose announced size is over the limit without reading a byte of it", async () => {
    const owner = await registerAccount("mailhuge");
    const to = await inboundAddress(owner);
    const pulled = { bytes: 0 };
    const raw = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled.bytes += 64 * 1024;
        controller.enqueue(new Uint8Array(64 * 1024).fill(0x61));
      },
    }, { highWaterMark: 0 });
    let rejected: string | null = null;
    const message = {
      from: "a@example.net",
      to,
      headers: new Headers({ from: "a@example.net", subject: "huge" }),
      raw,
      rawSize: MAX_INBOUND_BYTES + 1,
      setReject: (reason: string) => void (rejected = reason),
      forward: () => Promise.reject(new Error("not used")),
      reply: () => Promise.reject(new Error("not used")),
    } satisfies ForwardableEmailMessage;
    await worker.email(message, env);
    expect(rejected).toBe(`Message too large (limit ${MAX_INBOUND_BYTES} bytes)`);
    expect(pulled.bytes).toBe(0);
    expect(await emailTickets(owner)).toHaveLength(0);
  });

  it("stops reading a raw message once it runs past the limit, whatever size was announced", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x61);
    chunk.set(new TextEncoder().encode("From: a@example.net\r\nSubject: oversized\r\n\r\n"));
    const pulled = { bytes: 0 };
    const oversized = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled.bytes > 2 * MAX_INBOUND_BYTES) return controller.close();
        pulled.bytes += chunk.byteLength;
        controller.enqueue(chunk.slice());
      },
    }, { highWaterMark: 0 });
    await expect(parseInboundMail(oversized)).rejects.toThrow(`Message too large (limit ${MAX_INBOUND_BYTES} bytes)`);
    expect(pulled.bytes).toBeLessThanOrEqual(MAX_INBOUND_BYTES + chunk.byteLength);
  });

  it("ignores auto-replies, bulk mail, bounces and our own outbound replies looping back", async () => {
    const owner = await registerAccount("mailauto");
    const to = await inboundAddress(owner);
    await deliver(fixture("plain.eml"), { from: "jane.doe@example.com", to });
    const [ticket] = await emailTickets(owner);

    const autoReply = fixture("auto-reply.eml", { "Subject: Automatic reply:": `In-Reply-To: <CAF3x9k2-plain-0001@mail.example.com>\r\nSubject: Automatic reply:` });
    expect((await deliver(autoReply, { from: "jane.doe@example.com", to })).rejected).toBeNull();
    const bulk = fixture("plain.eml", { "plain-0001": "bulk-0001", "MIME-Version: 1.0": "Precedence: bulk\r\nMIME-Version: 1.0" });
    expect((await deliver(bulk, { from: "jane.doe@example.com", to })).rejected).toBeNull();
    const bounce = fixture("plain.eml", { "plain-0001": "bounce-0001" });
    expect((await deliver(bounce, { from: "", to })).rejected).toBeNull();
    const looped = fixture("plain.eml", { "<CAF3x9k2-plain-0001@mail.example.com>": "<reply-0190aaaa-bbbb@inbound.neuracrm.local>" });
    expect((await deliver(looped, { from: "jane.doe@example.com", to })).rejected).toBeNull();

    expect(await emailTickets(owner)).toHaveLength(1);
    expect((await ticketDetail(owner, ticket.id)).comments).toHaveLength(0);
    for (const id of ["oof-0010", "bulk-0001", "bounce-0001", "reply-0190aaaa"]) expect(await ticketsWithMessageId(id)).toBe(0);
  });

  it("keeps the ticket when storing an attachment fails after it was written, and records the failure", async () => {
    const owner = await registerAccount("mailr2");
    const brokenFiles = {
      put: () => Promise.reject(new Error("R2 unavailable")),
      delete: (keys: string | string[]) => env.FILES.delete(keys),
      get: (key: string) => env.FILES.get(key),
      list: (o?: R2ListOptions) => env.FILES.list(o),
    };
    const res = await deliver(fixture("mixed-attachments.eml"), { from: "priya@northwind.example", to: await inboundAddress(owner) }, { ...env, FILES: brokenFiles });
    expect(res.rejected).toBeNull();
    const [ticket] = await emailTickets(owner);
    expect(ticket.subject).toBe("Invoice 2291 charged twice");
    expect((await ticketDetail(owner, ticket.id)).attachments).toEqual([]);
    const history = await api(`/api/support/tickets/${ticket.id}/history`, { token: owner.token });
    const failed = history.body.data.find((h: any) => h.action === "attach_failed");
    expect(failed.changes.filenames.sort()).toEqual(["invoice-2291.pdf", "statement.png"]);
    expect(await r2Keys(`${owner.orgId}/`)).toEqual([]);
  });
});
