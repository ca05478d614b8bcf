import type { Lobby } from "partyserver";
import { MEMBER_ROLE_HEADER, MEMBER_VISIBILITY_HEADER, ROOM_ORG_HEADER } from "../../rooms/names";
import { canSeeRecord } from "../lib/access";
import type { Env } from "../env";
import { directoryDb } from "../lib/db";
import { AppError } from "../lib/errors";
import { verifyAccessToken } from "../lib/tokens";
import { resolveSession } from "../services/sessions";

function refuse(status: 401 | 403 | 404, code: string, message: string) {
  return Response.json({ success: false, error: { code, message } }, { status });
}

/**
 * Runs in the Worker before a socket reaches a room, so a bad token or a
 * non-member never wakes the Durable Object. Browsers cannot set headers on
 * a WebSocket, so the access token comes in the `token` query parameter.
 */
export async function roomGate(req: Request, lobby: Lobby<Env>, env: Env): Promise<Response | Request> {
  const token = new URL(req.url).searchParams.get("token");
  if (!token) return refuse(401, "unauthorized", "Missing token");
  let claims;
  try {
    claims = await verifyAccessToken(env.JWT_SECRET, token);
  } catch (err) {
    if (err instanceof AppError && err.code === "unauthorized") return refuse(401, "unauthorized", err.message);
    throw err;
  }
  if (lobby.className === "ORG_ROOM" && claims.orgId !== lobby.name) {
    return refuse(403, "forbidden", "Token is for another organization");
  }
  const live = await resolveSession(directoryDb(env), claims);
  if (!live) return refuse(403, "forbidden", "Not a member of this organization");
  const role = live.role;
  if (lobby.className === "DEAL_ROOM") {
    // Another organization's deal, or one hidden by row-level access, is "not found".
    const deal = await env.DB.prepare("SELECT org_id, owner_id FROM deals WHERE id = ?")
      .bind(lobby.name)
      .first<{ org_id: string; owner_id: string | null }>();
    if (!deal || deal.org_id !== claims.orgId || !canSeeRecord({ ...claims, ...live }, deal.owner_id)) {
      return refuse(404, "not_found", "No such deal");
    }
  } else if (lobby.className !== "ORG_ROOM") {
    return refuse(404, "not_found", "No such room");
  }
  // The token's role may be up to 15 minutes old; the room uses the live one.
  const forwarded = new Request(req);
  forwarded.headers.set(MEMBER_ROLE_HEADER, role);
  forwarded.headers.set(MEMBER_VISIBILITY_HEADER, live.recordVisibility);
  forwarded.headers.set(ROOM_ORG_HEADER, claims.orgId);
  return forwarded;
}
