import type { Lobby } from "partyserver";
import { MEMBER_NAME_HEADER, MEMBER_ROLE_HEADER, MEMBER_VISIBILITY_HEADER, ROOM_ORG_HEADER } from "../schema/room-names";
import type { Env } from "../worker/platform/env";
import { AppError } from "../worker/platform/errors";
import { verifyAccessToken } from "../worker/platform/tokens";
import { isApiKeyToken } from "../worker/platform/api-key-auth";
import { dealRoomAccess, orgRoomAccess } from "./room-access";

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
  // API keys are for scripts calling the REST API within their scopes. Rooms
  // check only room:write against the role and put the key in a URL that
  // proxies log, so a live socket would bypass the key's scopes, its rate
  // limit and its revocation (a socket outlives the request that opened it).
  if (isApiKeyToken(token)) return refuse(401, "unauthorized", "API keys cannot open live connections; sign in");
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
  if (lobby.className !== "ORG_ROOM" && lobby.className !== "DEAL_ROOM") return refuse(404, "not_found", "No such room");
  const [access, user] = await Promise.all([
    lobby.className === "DEAL_ROOM" ? dealRoomAccess(env, claims, lobby.name) : orgRoomAccess(env, claims),
    env.DB.prepare("SELECT name FROM users WHERE id = ?").bind(claims.userId).first<{ name: string }>(),
  ]);
  if (!access.ok && access.status === 403) return refuse(403, "forbidden", "Not a member of this organization");
  // Another organization's deal, or one hidden by row-level access, is "not found".
  if (!access.ok) return refuse(404, "not_found", "No such deal");
  // The token's role may be up to 15 minutes old; the room uses the live one.
  const forwarded = new Request(req);
  forwarded.headers.set(MEMBER_ROLE_HEADER, access.live.role);
  forwarded.headers.set(MEMBER_VISIBILITY_HEADER, access.live.recordVisibility);
  forwarded.headers.set(MEMBER_NAME_HEADER, encodeURIComponent(user?.name ?? ""));
  forwarded.headers.set(ROOM_ORG_HEADER, claims.orgId);
  return forwarded;
}
