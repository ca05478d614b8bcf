import { createRoute, z } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { AppError, invalid } from "../../platform/errors";
import { getBillingSettings, numberPreview, updateBillingSettings, type BillingSettings } from "./billing-settings";
import { deleteLogo, MAX_LOGO_BYTES, openLogo, storeLogo } from "./billing-logo";

const tags = ["Finance: settings"];
const security = [{ bearerAuth: [] }];

const BillingSettingsSchema = z
  .object({
    legalName: z.string().nullable(),
    address: z.string().nullable(),
    taxId: z.string().nullable(),
    email: z.string().nullable(),
    hasLogo: z.boolean(),
    invoicePrefix: z.string(),
    invoiceNumberFormat: z.string(),
    invoiceNextNumber: z.number().int().openapi({ description: "Read-only: only finalizing an invoice moves it" }),
    quotePrefix: z.string(),
    quoteNextNumber: z.number().int().openapi({ description: "Read-only: only finalizing a quote moves it" }),
    nextInvoiceNumber: z.string().openapi({ description: "Preview: the number the next finalized invoice gets now", example: "INV-2026-0001" }),
    nextQuoteNumber: z.string().openapi({ description: "Preview: the number the next finalized quote gets now" }),
    defaultDueDays: z.number().int(),
    quoteValidDays: z.number().int(),
    paymentTerms: z.string().nullable(),
    footer: z.string().nullable(),
    updatedBy: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .openapi("BillingSettings");

/** Documented so a client learns why it is refused: only a finalization moves a sequence, so numbers stay gapless. */
const readOnly = z.unknown().optional().openapi({ type: "integer", description: "Read-only: refused when sent" });

const Prefix = z.string().max(20).regex(/^[A-Za-z0-9 ._\-/#]*$/, "Use letters, digits, spaces and . _ - / #");
const UpdateSettings = z
  .object({
    legalName: z.string().trim().max(200).nullable(),
    address: z.string().trim().max(1000).nullable(),
    taxId: z.string().trim().max(64).nullable(),
    email: z.email().max(254).nullable().or(z.literal("")),
    invoicePrefix: Prefix,
    invoiceNumberFormat: z.string().min(1).max(60).openapi({ description: "Tokens {prefix}, {YYYY}, {seq} or {seq:N}; must contain the sequence", example: "{prefix}{YYYY}-{seq:4}" }),
    quotePrefix: Prefix,
    defaultDueDays: z.number().int().min(0).max(365),
    quoteValidDays: z.number().int().min(1).max(365),
    paymentTerms: z.string().trim().max(2000).nullable(),
    footer: z.string().trim().max(500).nullable(),
  })
  .partial()
  .extend({ invoiceNextNumber: readOnly, quoteNextNumber: readOnly })
  .strict()
  .openapi("BillingSettingsUpdate");

const LogoResponse = { content: { "image/png": { schema: z.any() }, "image/jpeg": { schema: z.any() } }, description: "The logo" };

const routes = {
  get: createRoute({
    method: "get", path: "/", tags, security, summary: "The organization's billing details and document numbering, with a preview of the next numbers",
    middleware: [requirePermission("billing:read")] as const,
    responses: { 200: jsonResponse(envelope(BillingSettingsSchema), "Settings (defaults until first saved)"), ...standardErrors },
  }),
  update: createRoute({
    method: "put", path: "/", tags, security, summary: "Change billing details and numbering",
    description: "Sends only the fields to change. The next numbers are read-only (a finalization moves them in the same batch that gives the number), so sending them is refused.",
    middleware: [requirePermission("billing:manage")] as const,
    request: jsonBody(UpdateSettings),
    responses: { 200: jsonResponse(envelope(BillingSettingsSchema), "Saved"), ...standardErrors },
  }),
  uploadLogo: createRoute({
    method: "put", path: "/logo", tags, security, summary: "Upload the logo printed on documents (PNG or JPEG, at most 512 KiB)",
    description: "The raw image is the body, with `Content-Type: image/png` or `image/jpeg`; its first bytes must match the type.",
    middleware: [
      requirePermission("billing:manage"),
      bodyLimit({
        maxSize: MAX_LOGO_BYTES,
        onError: () => {
          throw new AppError("payload_too_large", `A logo is at most ${MAX_LOGO_BYTES} bytes`);
        },
      }),
    ] as const,
    responses: {
      200: jsonResponse(envelope(z.object({ contentType: z.string(), size: z.number().int() })), "Stored"),
      413: jsonResponse(z.any(), "Too large"),
      415: jsonResponse(z.any(), "Not PNG or JPEG"),
      ...standardErrors,
    },
  }),
  getLogo: createRoute({
    method: "get", path: "/logo", tags, security, summary: "The logo (members of the organization only)",
    middleware: [requirePermission("billing:read")] as const,
    responses: { 200: LogoResponse, ...standardErrors },
  }),
  deleteLogo: createRoute({
    method: "delete", path: "/logo", tags, security, summary: "Remove the logo",
    middleware: [requirePermission("billing:manage")] as const,
    responses: { 200: jsonResponse(envelope(z.null()), "Removed"), ...standardErrors },
  }),
};

async function view(db: Parameters<typeof numberPreview>[0], settings: BillingSettings) {
  const { orgId: _o, logoKey, ...rest } = settings;
  return { ...rest, hasLogo: logoKey !== null, ...(await numberPreview(db, settings)) };
}

export const billingSettingsRoutes = createRouter()
  .openapi(routes.get, async (c) => {
    const db = orgDb(c.env, c.get("auth").orgId);
    return ok(c, await view(db, await getBillingSettings(db, c.get("auth").orgId)));
  })
  .openapi(routes.update, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const { invoiceNextNumber, quoteNextNumber, ...patch } = c.req.valid("json");
    const sent = Object.entries({ invoiceNextNumber, quoteNextNumber }).filter(([, v]) => v !== undefined);
    if (sent.length) throw invalid(Object.fromEntries(sent.map(([k]) => [k, [`${k} is read-only: only a finalization moves it, so numbers stay gapless`]])));
    return ok(c, await view(db, await updateBillingSettings(db, auth, patch, c.get("requestId"))));
  })
  .openapi(routes.uploadLogo, async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return ok(c, await storeLogo(c.env, c.get("auth"), c.req.header("content-type") ?? "", bytes, c.get("requestId")));
  })
  .openapi(routes.getLogo, async (c) => {
    const logo = await openLogo(c.env, c.get("auth").orgId);
    return new Response(logo.bytes, {
      headers: {
        "content-type": `image/${logo.type}`,
        "content-length": String(logo.bytes.length),
        "x-content-type-options": "nosniff",
        "cache-control": "private, no-store",
        "content-security-policy": "default-src 'none'; sandbox",
      },
    }) as never;
  })
  .openapi(routes.deleteLogo, async (c) => {
    await deleteLogo(c.env, c.get("auth"), c.get("requestId"));
    return ok(c, null, { message: "Logo removed" });
  });
