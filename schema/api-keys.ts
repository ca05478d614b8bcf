import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import type { Role } from "./organizations";

/**
 * API keys (worker/identity): `Authorization: Bearer nc_…` in place of an
 * access token. Only the SHA-256 of the token is stored; the token is shown
 * once. A key acts within its scopes, never beyond what its owner may do now.
 */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Personal keys act as their creator; organization keys act with `role` and survive their creator. */
    kind: text("kind", { enum: ["personal", "organization"] }).notNull(),
    name: text("name").notNull(),
    /** The creator (and, for personal keys, the member the key acts as). */
    userId: text("user_id").notNull(),
    /** Organization keys: the role they act with, never above their creator's at creation. */
    role: text("role").$type<Role>(),
    tokenHash: text("token_hash").notNull(),
    /** The first characters of the token (`nc_AbCd`), so members can tell keys apart. */
    tokenPrefix: text("token_prefix").notNull(),
    /** Permission names the key may use; null means every permission its owner has. */
    scopes: text("scopes", { mode: "json" }).$type<string[] | null>(),
    expiresAt: integer("expires_at"),
    lastUsedAt: integer("last_used_at"),
    revokedAt: integer("revoked_at"),
    revokedBy: text("revoked_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("api_keys_token_idx").on(t.tokenHash), index("api_keys_org_idx").on(t.orgId, t.userId)],
);

export type ApiKey = typeof apiKeys.$inferSelect;
