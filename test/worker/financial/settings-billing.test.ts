import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import * as schema from "../../../schema";
import { loadLogo } from "../../../worker/financial/settings/billing-logo";
import { localDateOf } from "../../../worker/platform/local-time";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { auditActions, testDb } from "../../record-helpers";

/** A 1×1 PNG, and a JPEG's first bytes (a file's type is told by them, not by its name). */
const PNG = Uint8Array.from(atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="), (c) => c.charCodeAt(0));
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01]);

const settingsRow = (orgId: string) => testDb().select().from(schema.billingSettings).where(eq(schema.billingSettings.orgId, orgId)).get();
const put = (who: Account, body: unknown) => api("/api/financial/settings", { method: "PUT", token: who.token, body });
const upload = (who: Account, bytes: BodyInit, type: string) => api("/api/financial/settings/logo", { method: "PUT", token: who.token, rawBody: bytes, headers: { "content-type": type } });
const year = () => localDateOf(Date.now(), "UTC").slice(0, 4);

describe("billing settings", () => {
  it("answers the defaults before the first save, with a preview of the next numbers", async () => {
    const owner = await registerAccount("bs");
    const res = await api("/api/financial/settings", { token: owner.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({
      legalName: null, hasLogo: false, invoicePrefix: "INV-", invoiceNumberFormat: "{prefix}{YYYY}-{seq:4}", invoiceNextNumber: 1, quotePrefix: "Q-", quoteNextNumber: 1, defaultDueDays: 30, quoteValidDays: 30,
    });
    // The year is the organization's (UTC here); around New Year's Eve the clock may pass midnight between the two reads.
    expect([`INV-${year()}-0001`, `INV-${Number(year()) - 1}-0001`]).toContain(res.body.data.nextInvoiceNumber);
    expect(res.body.data.nextQuoteNumber).toMatch(/^Q-\d{4}-0001$/);
    expect(await settingsRow(owner.orgId)).toBeUndefined();
  });

  it("saves details and numbering, previews the new format, and audits the change", async () => {
    const owner = await registerAccount("bss");
    const res = await put(owner, {
      legalName: "Acme GmbH", address: "Hauptstr. 1\n10115 Berlin", taxId: "DE123456789", email: "billing@acme.example",
      invoicePrefix: "AC-", invoiceNumberFormat: "{prefix}{seq:6}/{YYYY}", quotePrefix: "AQ-", defaultDueDays: 14, quoteValidDays: 45, paymentTerms: "Net 14", footer: "Thank you",
    });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ legalName: "Acme GmbH", invoicePrefix: "AC-", defaultDueDays: 14, quoteValidDays: 45, updatedBy: owner.userId });
    expect(res.body.data.nextInvoiceNumber).toMatch(/^AC-000001\/\d{4}$/);
    expect(res.body.data.nextQuoteNumber).toMatch(/^AQ-000001\/\d{4}$/);
    const partial = await put(owner, { footer: "", defaultDueDays: 0 });
    expect(partial.body.data).toMatchObject({ footer: null, defaultDueDays: 0, legalName: "Acme GmbH" });
    expect((await api("/api/financial/settings", { token: owner.token })).body.data).toEqual(partial.body.data);
    expect(await auditActions(owner.token, "billing_settings", owner.orgId)).toEqual(["update", "update"]);
  });

  it("refuses bad formats, bad fields and the read-only sequences with 400, writing nothing", async () => {
    const owner = await registerAccount("bsbad");
    await put(owner, { legalName: "Kept" });
    const before = await settingsRow(owner.orgId);
    const bad: Record<string, unknown>[] = [
      { invoiceNumberFormat: "{prefix}{YYYY}" },
      { invoiceNumberFormat: "{prefix}{month}{seq}" },
      { invoiceNumberFormat: "{prefix}{seq:4}<script>" },
      { invoiceNumberFormat: "" },
      { invoiceNextNumber: 1 },
      { quoteNextNumber: 5 },
      { invoicePrefix: "INV-\u0000" },
      { defaultDueDays: -1 },
      { quoteValidDays: 0 },
      { email: "not an email" },
      { legalName: 42 },
      { logoKey: "other-org/billing/logo" },
    ];
    for (const body of bad) expectError(await put(owner, body), 400, "validation_error");
    const refused = await put(owner, { invoiceNextNumber: 1 });
    expect(JSON.stringify(refused.body.error.details)).toMatch(/read-only/);
    const format = await put(owner, { invoiceNumberFormat: "{prefix}{YYYY}" });
    expect(format.body.error.details.invoiceNumberFormat.join(" ")).toMatch(/\{seq\}/);
    expect(await settingsRow(owner.orgId)).toEqual(before);
  });

  it("lets every role read the settings and only billing managers change them", async () => {
    const owner = await registerAccount("bsrole");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    for (const who of [viewer, agent]) {
      expect((await api("/api/financial/settings", { token: who.token })).status).toBe(200);
      expectError(await put(who, { legalName: "Mine" }), 403, "forbidden");
      expectError(await upload(who, PNG, "image/png"), 403, "forbidden");
      expectError(await api("/api/financial/settings/logo", { method: "DELETE", token: who.token }), 403, "forbidden");
    }
    expect(await settingsRow(owner.orgId)).toBeUndefined();
    expect(await env.FILES.head(`${owner.orgId}/billing/logo`)).toBeNull();
    expect((await put(manager, { legalName: "By the manager" })).status).toBe(200);
    expectError(await api("/api/financial/settings"), 401, "unauthorized");
  });

  it("keeps each organization's settings its own", async () => {
    const a = await registerAccount("bsta");
    const b = await registerAccount("bstb");
    await put(a, { legalName: "A Ltd" });
    await upload(a, PNG, "image/png");
    expect((await api("/api/financial/settings", { token: b.token })).body.data).toMatchObject({ legalName: null, hasLogo: false });
    expectError(await api("/api/financial/settings/logo", { token: b.token }), 404, "not_found");
    expectError(await api("/api/financial/settings/logo", { method: "DELETE", token: b.token }), 404, "not_found");
    expect((await api("/api/financial/settings/logo", { token: a.token })).status).toBe(200);
  });
});

describe("billing logo", () => {
  it("stores a PNG under the organization's prefix, serves it to members, replaces it with a JPEG and removes it", async () => {
    const owner = await registerAccount("logo");
    const viewer = await addMember(owner, "viewer");
    const res = await upload(owner, PNG, "image/png");
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toEqual({ contentType: "image/png", size: PNG.length });
    expect((await settingsRow(owner.orgId))?.logoKey).toBe(`${owner.orgId}/billing/logo`);
    expect((await api("/api/financial/settings", { token: owner.token })).body.data.hasLogo).toBe(true);

    const got = await fetchLogo(viewer);
    expect(got.status).toBe(200);
    expect(got.type).toBe("image/png");
    expect(got.bytes).toEqual(PNG);
    expect(await loadLogo(env, owner.orgId)).toEqual({ bytes: PNG, type: "png" });

    expect((await upload(owner, JPEG, "image/jpeg")).status).toBe(200);
    expect((await fetchLogo(owner)).type).toBe("image/jpeg");
    expect((await loadLogo(env, owner.orgId))?.type).toBe("jpeg");

    expect((await api("/api/financial/settings/logo", { method: "DELETE", token: owner.token })).status).toBe(200);
    expect(await loadLogo(env, owner.orgId)).toBeNull();
    expect(await env.FILES.head(`${owner.orgId}/billing/logo`)).toBeNull();
    expectError(await api("/api/financial/settings/logo", { token: owner.token }), 404, "not_found");
    expect(await auditActions(owner.token, "billing_settings", owner.orgId)).toEqual(["delete_logo", "upload_logo", "upload_logo"]);
  });

  it("refuses a file whose bytes are not the image it claims, other types, empty and oversized bodies, storing nothing", async () => {
    const owner = await registerAccount("logobad");
    const html = new TextEncoder().encode("<svg onload=alert(1)>");
    expectError(await upload(owner, html, "image/png"), 400, "validation_error");
    expectError(await upload(owner, JPEG, "image/png"), 400, "validation_error");
    expectError(await upload(owner, PNG, "image/jpeg"), 400, "validation_error");
    expectError(await upload(owner, html, "image/svg+xml"), 415, "unsupported_media_type");
    expectError(await upload(owner, PNG, "application/octet-stream"), 415, "unsupported_media_type");
    expectError(await upload(owner, new Uint8Array(0), "image/png"), 400, "validation_error");
    const big = new Uint8Array(512 * 1024 + 1);
    big.set(PNG);
    expectError(await upload(owner, big, "image/png"), 413, "payload_too_large");
    expect(await settingsRow(owner.orgId)).toBeUndefined();
    expect(await env.FILES.head(`${owner.orgId}/billing/logo`)).toBeNull();
  });
});

async function fetchLogo(who: Account) {
  const res = await exports.default.fetch(new Request(`${BASE}/api/financial/settings/logo`, { headers: { authorization: `Bearer ${who.token}` } }));
  return { status: res.status, type: res.headers.get("content-type"), bytes: new Uint8Array(await res.arrayBuffer()) };
}
