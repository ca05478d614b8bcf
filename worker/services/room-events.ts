import { getServerByName } from "partyserver";
import { roomEvent, type RoomEventType } from "../../rooms/events";
import { orgRoomName } from "../../rooms/names";
import type { Env } from "../env";

const orgRoom = (env: Pick<Env, "ORG_ROOM">, orgId: string) => getServerByName(env.ORG_ROOM, orgRoomName(orgId));

/** Pushes one of the seed's events to every member connected to the organization room. */
export async function publishEvent(env: Pick<Env, "ORG_ROOM">, orgId: string, type: RoomEventType, data: unknown) {
  const room = await orgRoom(env, orgId);
  return room.publish(roomEvent(type, data));
}

/** Closes a user's sockets in the organization room (all of them, or one session's). */
export async function disconnectUser(
  env: Pick<Env, "ORG_ROOM">,
  orgId: string,
  userId: string,
  reason: string,
  sessionId?: string,
) {
  try {
    const room = await orgRoom(env, orgId);
    return await room.disconnect(userId, reason, sessionId);
  } catch (err) {
    // The membership change is already committed; a room that cannot be
    // reached now has no sockets to close, and reconnects re-check access.
    console.error(JSON.stringify({ level: "warn", msg: "disconnect failed", orgId, userId, err: String(err) }));
    return 0;
  }
}
