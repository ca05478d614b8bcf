import { eq, type SQL } from "drizzle-orm";
import type { SQLiteColumn } from "drizzle-orm/sqlite-core";
import type { AuthContext } from "./env";
import { allows } from "./permissions";

/**
 * Row-level access: when the organization restricts visibility to owners,
 * roles without `records:read_all` (agents) see only records they own.
 */
export function ownRecordsOnly(auth: Pick<AuthContext, "role" | "recordVisibility" | "apiKey">): boolean {
  return auth.recordVisibility === "own" && !allows(auth, "records:read_all");
}

/** The extra WHERE condition row-level access adds to a query, if any. */
export function visibleTo(auth: AuthContext, ownerColumn: SQLiteColumn): SQL | undefined {
  return ownRecordsOnly(auth) ? eq(ownerColumn, auth.userId) : undefined;
}

/** Whether a record with this owner is visible to the caller (for single-record reads and writes). */
export function canSeeRecord(auth: AuthContext, ownerId: string | null): boolean {
  return !ownRecordsOnly(auth) || ownerId === auth.userId;
}
