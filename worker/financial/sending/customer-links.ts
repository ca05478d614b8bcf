import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { randomToken, sha256 } from "../../platform/ids";
import { invoices, type Invoice } from "../../../schema";

/**
 * The customer's link to a document (`<origin>/documents/<token>`): the
 * token is 32 random bytes, and only its SHA-256 is stored, so a database
 * leak does not hand out working links. A document has one link at a time;
 * issuing a new one (every send does) retires the previous one.
 */

export const customerLinkUrl = (origin: string, token: string) => `${origin.replace(/\/+$/, "")}/documents/${token}`;

/** Statuses whose documents a customer may open; drafts are not issued yet and void ones are withdrawn. */
const SHOWN: Invoice["status"][] = ["open", "paid", "uncollectible", "accepted", "declined"];
export const customerMayOpen = (row: Pick<Invoice, "status">) => SHOWN.includes(row.status);

/** A fresh token for the document, replacing its previous one; the caller makes sure the document may be linked. */
export async function issueLinkToken(db: Db, row: Invoice, now = Date.now()): Promise<{ token: string; row: Invoice }> {
  const token = randomToken(32);
  const [updated] = await db
    .update(invoices)
    .set({ publicTokenHash: await sha256(token), updatedAt: sql`max(${invoices.updatedAt}, ${now})` })
    .where(and(eq(invoices.orgId, row.orgId), eq(invoices.id, row.id)))
    .returning();
  return { token, row: updated ?? row };
}
