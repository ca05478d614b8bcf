import { and, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { AppError, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { supportAttachments, supportComments } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import type { SupportActor } from "../sla/sla";
import { requireTicket } from "./tickets";
import { requireVisibleTicket, type TicketViewer } from "./ticket-visibility";

export const MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024;

/** Types we store. Anything executable in a browser (HTML, SVG, JS) is refused. */
export const ALLOWED_ATTACHMENT_TYPES = [
  "image/png",
  "image/jpeg",
  "image/gif",
  "image/webp",
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/zip",
  "application/json",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "message/rfc822",
] as const;

/** Images shown inline; everything else downloads. */
export const INLINE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

export const baseContentType = (value: string) => value.split(";")[0]!.trim().toLowerCase();

export function assertAttachmentType(contentType: string) {
  if (!(ALLOWED_ATTACHMENT_TYPES as readonly string[]).includes(baseContentType(contentType))) {
    throw new AppError("unsupported_media_type", `Files of type ${baseContentType(contentType) || "(none)"} are not accepted`, {
      allowed: ALLOWED_ATTACHMENT_TYPES,
    });
  }
}

/** A file name safe to store and to echo in Content-Disposition: no paths, no control characters. */
export function cleanFilename(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? "";
  const cleaned = base.replace(/[\u0000-\u001f\u007f"]/g, "").trim().slice(0, 200);
  return cleaned || "attachment";
}

export interface AttachmentInput {
  filename: string;
  contentType: string;
  data: ArrayBuffer | Uint8Array;
  commentId?: string | null;
}

/**
 * Stores a file in R2 under `<orgId>/tickets/<ticketId>/<id>` and records it.
 * Type and size are checked before anything is written; if the row cannot be
 * written the object is removed again.
 */
export async function storeAttachment(env: Pick<Env, "DB" | "FILES">, orgId: string, actor: SupportActor, ticketId: string, input: AttachmentInput) {
  const db = orgDb(env, orgId);
  await requireTicket(db, orgId, ticketId);
  assertAttachmentType(input.contentType);
  const size = input.data.byteLength;
  if (size === 0) throw invalid({ file: ["The file is empty"] });
  if (size > MAX_ATTACHMENT_BYTES) throw new AppError("payload_too_large", `Attachments are limited to ${MAX_ATTACHMENT_BYTES} bytes`);
  if (input.commentId) {
    const comment = await db
      .select({ id: supportComments.id })
      .from(supportComments)
      .where(and(eq(supportComments.orgId, orgId), eq(supportComments.ticketId, ticketId), eq(supportComments.id, input.commentId)))
      .get();
    if (!comment) throw invalid({ commentId: ["No such comment on this ticket"] });
  }
  const id = newId();
  const row = {
    id,
    orgId,
    ticketId,
    commentId: input.commentId ?? null,
    r2Key: `${orgId}/tickets/${ticketId}/${id}`,
    filename: cleanFilename(input.filename),
    contentType: baseContentType(input.contentType),
    size,
    uploadedBy: actor.userId,
    createdAt: Date.now(),
  };
  await env.FILES.put(row.r2Key, input.data, { httpMetadata: { contentType: row.contentType } });
  try {
    await db.batch([
      db.insert(supportAttachments).values(row),
      auditStatement(db, orgId, { actorId: actor.userId, action: "attach", entity: "ticket", entityId: ticketId, changes: { attachmentId: id, filename: row.filename, size }, requestId: actor.requestId }),
    ]);
  } catch (err) {
    await env.FILES.delete(row.r2Key);
    throw err;
  }
  const { orgId: _o, r2Key: _k, ...out } = row;
  return { ...out, url: `/api/support/attachments/${id}` };
}

/** The attachment row and its object, only within the caller's organization (404 otherwise). */
/** The file and its row; a file of a ticket the viewer may not see answers 404 like a missing one. */
export async function openAttachment(env: Pick<Env, "DB" | "FILES">, orgId: string, id: string, viewer: TicketViewer) {
  const db = orgDb(env, orgId);
  const row = await db
    .select()
    .from(supportAttachments)
    .where(and(eq(supportAttachments.orgId, orgId), eq(supportAttachments.id, id)))
    .get();
  if (!row) throw notFound("Attachment");
  await requireVisibleTicket(db, orgId, viewer, row.ticketId).catch(() => {
    throw notFound("Attachment");
  });
  const object = await env.FILES.get(row.r2Key);
  if (!object) throw notFound("Attachment");
  return { row, object };
}
