import type { Env } from "../worker/platform/env";
import { canSeeRecord } from "../worker/platform/access";
import { directoryDb } from "../worker/platform/db";
import type { AccessClaims } from "../worker/platform/tokens";
import { resolveSession, type LiveMembership } from "../worker/platform/sessions";

/** 403: the session or membership is gone; 404: no such room for this member. */
export type RoomAccess = { ok: true; live: LiveMembership } | { ok: false; status: 403 | 404 };

/** Whether a token's member may be in their organization's room right now. */
export async function orgRoomAccess(env: Pick<Env, "DB">, claims: AccessClaims): Promise<RoomAccess> {
  const live = await resolveSession(directoryDb(env), claims);
  return live ? { ok: true, live } : { ok: false, status: 403 };
}

/**
 * Whether a token's member may have a deal's notes open right now: a live
 * session and membership, and a deal of their organization that row-level
 * access lets them see (else 404, so its existence is not given away).
 * `ownerId`, when given, is newer than D1's: the board projects its changes
 * to D1 a moment after accepting them.
 */
export async function dealRoomAccess(
  env: Pick<Env, "DB">,
  claims: AccessClaims,
  dealId: string,
  ownerId?: string | null,
): Promise<RoomAccess> {
  const [live, deal] = await Promise.all([
    resolveSession(directoryDb(env), claims),
    env.DB.prepare("SELECT org_id, owner_id FROM deals WHERE id = ?").bind(dealId).first<{ org_id: string; owner_id: string | null }>(),
  ]);
  if (!live) return { ok: false, status: 403 };
  const owner = ownerId === undefined ? (deal?.owner_id ?? null) : ownerId;
  if (!deal || deal.org_id !== claims.orgId || !canSeeRecord({ ...claims, ...live }, owner)) return { ok: false, status: 404 };
  return { ok: true, live };
}
