import { eq } from "drizzle-orm";
import { billingSettings } from "../../../schema";
import type { AuthContext, Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { auditStatement } from "../../platform/audit-writer";
import { AppError, invalid, notFound } from "../../platform/errors";

/** A logo is printed at most 150 × 56 pt: half a megabyte is plenty, and keeps every PDF small. */
export const MAX_LOGO_BYTES = 512 * 1024;

export const LOGO_TYPES = { "image/png": "png", "image/jpeg": "jpeg" } as const;
type LogoMime = keyof typeof LOGO_TYPES;
export type LogoType = (typeof LOGO_TYPES)[LogoMime];

const logoKey = (orgId: string) => `${orgId}/billing/logo`;

/** The image format from its first bytes: the upload's content type is only the uploader's claim. */
export function sniffLogo(bytes: Uint8Array): LogoType | null {
  const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (bytes.length >= 8 && png.every((b, i) => bytes[i] === b)) return "png";
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  return null;
}

export async function storeLogo(env: Env, auth: AuthContext, contentType: string, bytes: Uint8Array, requestId?: string) {
  const mime = contentType.split(";")[0]!.trim().toLowerCase();
  if (!(mime in LOGO_TYPES)) throw new AppError("unsupported_media_type", "Send the logo as image/png or image/jpeg");
  if (bytes.length === 0) throw invalid({ body: ["The body is empty: send the image itself"] });
  if (bytes.length > MAX_LOGO_BYTES) throw new AppError("payload_too_large", `A logo is at most ${MAX_LOGO_BYTES} bytes`);
  const type = sniffLogo(bytes);
  if (type !== LOGO_TYPES[mime as LogoMime]) throw invalid({ body: [`The file is not a ${LOGO_TYPES[mime as LogoMime].toUpperCase()} image`] });
  const key = logoKey(auth.orgId);
  await env.FILES.put(key, bytes, { httpMetadata: { contentType: mime } });
  const db = orgDb(env, auth.orgId);
  const now = Date.now();
  await db.batch([
    db.insert(billingSettings).values({ orgId: auth.orgId, logoKey: key, updatedBy: auth.userId, updatedAt: now })
      .onConflictDoUpdate({ target: billingSettings.orgId, set: { logoKey: key, updatedBy: auth.userId, updatedAt: now } }),
    auditStatement(db, auth.orgId, { actorId: auth.userId, action: "upload_logo", entity: "billing_settings", entityId: auth.orgId, changes: { type, bytes: bytes.length }, requestId }),
  ]);
  return { contentType: mime, size: bytes.length };
}

/** The organization's logo for documents, or null when it has none (or the stored file is not an image we print). */
export async function loadLogo(env: Pick<Env, "DB" | "FILES">, orgId: string): Promise<{ bytes: Uint8Array; type: LogoType } | null> {
  const row = await orgDb(env, orgId).select({ key: billingSettings.logoKey }).from(billingSettings).where(eq(billingSettings.orgId, orgId)).get();
  if (!row?.key) return null;
  const object = await env.FILES.get(row.key);
  if (!object) return null;
  const bytes = new Uint8Array(await object.arrayBuffer());
  const type = sniffLogo(bytes);
  return type ? { bytes, type } : null;
}

export async function openLogo(env: Env, orgId: string) {
  const logo = await loadLogo(env, orgId);
  if (!logo) throw notFound("Logo");
  return logo;
}

export async function deleteLogo(env: Env, auth: AuthContext, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const row = await db.select({ key: billingSettings.logoKey }).from(billingSettings).where(eq(billingSettings.orgId, auth.orgId)).get();
  if (!row?.key) throw notFound("Logo");
  await db.batch([
    db.update(billingSettings).set({ logoKey: null, updatedBy: auth.userId, updatedAt: Date.now() }).where(eq(billingSettings.orgId, auth.orgId)),
    auditStatement(db, auth.orgId, { actorId: auth.userId, action: "delete_logo", entity: "billing_settings", entityId: auth.orgId, requestId }),
  ]);
  await env.FILES.delete(row.key);
}
