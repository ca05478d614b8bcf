import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { MAX_ATTACHMENT_BYTES } from "../../../worker/support/tickets/ticket-attachments";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { openTicketVia } from "./support-helpers";

async function upload(account: Account, ticketId: string, body: BodyInit, headers: Record<string, string>) {
  return api(`/api/support/tickets/${ticketId}/attachments`, { method: "POST", token: account.token, rawBody: body, headers });
}

async function download(account: Account, url: string) {
  return exports.default.fetch(new Request(`${BASE}${url}`, { headers: { authorization: `Bearer ${account.token}` } }));
}

describe("ticket attachments", () => {
  it("stores a multipart upload in R2 under the organization and serves it to members", async () => {
    const owner = await registerAccount("att");
    const viewer = await addMember(owner, "viewer");
    const t = await openTicketVia(owner);
    const form = new FormData();
    form.append("file", new File(["%PDF-1.4 invoice"], "../../etc/invoice march.pdf", { type: "application/pdf" }));
    const res = await api(`/api/support/tickets/${t.id}/attachments`, { method: "POST", token: owner.token, rawBody: form });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.data).toMatchObject({ ticketId: t.id, filename: "invoice march.pdf", contentType: "application/pdf", size: 16 });
    const listed = await env.FILES.list({ prefix: `${owner.orgId}/tickets/${t.id}/` });
    expect(listed.objects.map((o) => o.key)).toEqual([`${owner.orgId}/tickets/${t.id}/${res.body.data.id}`]);

    const file = await download(viewer, res.body.data.url);
    expect(file.status).toBe(200);
    expect(new TextDecoder().decode(await file.arrayBuffer())).toBe("%PDF-1.4 invoice");
    expect(file.headers.get("content-type")).toBe("application/pdf");
    expect(file.headers.get("content-disposition")).toMatch(/^attachment; filename="invoice march.pdf"/);
    expect(file.headers.get("x-content-type-options")).toBe("nosniff");
    const detail = await api(`/api/support/tickets/${t.id}`, { token: owner.token });
    expect(detail.body.data.attachments.map((a: { id: string }) => a.id)).toEqual([res.body.data.id]);
  });

  it("takes a raw body named by X-Filename, linked to a comment, and shows images inline", async () => {
    const owner = await registerAccount("attraw");
    const t = await openTicketVia(owner);
    const comment = await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "Screenshot attached" } });
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const res = await upload(owner, `${t.id}`, png, { "content-type": "image/png", "x-filename": encodeURIComponent("écran.png") });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const linked = await api(`/api/support/tickets/${t.id}/attachments?commentId=${comment.body.data.comment.id}`, {
      method: "POST",
      token: owner.token,
      rawBody: png,
      headers: { "content-type": "image/png", "x-filename": "second.png" },
    });
    expect(linked.body.data.commentId).toBe(comment.body.data.comment.id);
    const file = await download(owner, res.body.data.url);
    expect(file.headers.get("content-disposition")).toMatch(/^inline; filename="_cran.png"; filename\*=UTF-8''%C3%A9cran.png/);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(png);
    const detail = await api(`/api/support/tickets/${t.id}`, { token: owner.token });
    expect(detail.body.data.comments[0].attachments.map((a: { filename: string }) => a.filename)).toEqual(["second.png"]);
  });

  it("refuses types off the allow list, empty and oversized files, and stores nothing", async () => {
    const owner = await registerAccount("attlim");
    const t = await openTicketVia(owner);
    expectError(await upload(owner, t.id, "<script>alert(1)</script>", { "content-type": "text/html", "x-filename": "x.html" }), 415, "unsupported_media_type");
    expectError(await upload(owner, t.id, "<svg/>", { "content-type": "image/svg+xml", "x-filename": "x.svg" }), 415, "unsupported_media_type");
    expectError(await upload(owner, t.id, "", { "content-type": "text/plain", "x-filename": "empty.txt" }), 400, "validation_error");
    expectError(await upload(owner, t.id, "hello", { "content-type": "text/plain" }), 400, "validation_error");
    const big = new Uint8Array(MAX_ATTACHMENT_BYTES + 1);
    expectError(await upload(owner, t.id, big, { "content-type": "application/pdf", "x-filename": "big.pdf" }), 413, "payload_too_large");
    const listed = await env.FILES.list({ prefix: `${owner.orgId}/` });
    expect(listed.objects).toEqual([]);
    expect((await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data.attachments).toEqual([]);
  });

  it("lets only members of the ticket's organization upload or download, and viewers only download", async () => {
    const owner = await registerAccount("attx");
    const viewer = await addMember(owner, "viewer");
    const stranger = await registerAccount("atty");
    const t = await openTicketVia(owner);
    const res = await upload(owner, t.id, "secret notes", { "content-type": "text/plain", "x-filename": "notes.txt" });
    expect(res.status).toBe(201);
    const denied = await download(stranger, res.body.data.url);
    expect(denied.status).toBe(404);
    expect(((await denied.json()) as { error: { code: string } }).error.code).toBe("not_found");
    expect((await exports.default.fetch(new Request(`${BASE}${res.body.data.url}`))).status).toBe(401);
    expectError(await upload(stranger, t.id, "x", { "content-type": "text/plain", "x-filename": "x.txt" }), 404, "not_found");
    expectError(await upload(viewer, t.id, "x", { "content-type": "text/plain", "x-filename": "x.txt" }), 403, "forbidden");
  });
});
