import { eq } from "drizzle-orm";
import { getServerByName } from "partyserver";
import { roomEvent, type RoomEvent, type RoomEventData, type RoomEventType } from "../../schema/room-events";
import { dealRoomName, orgRoomName } from "../../schema/room-names";
import type { Env } from "./env";
import type { Db } from "./db";
import { can } from "./permissions";
import { memberships } from "../../schema";

/** The organization's room, as a typed stub for RPC. */
export const orgRoom = (env: Pick<Env, "ORG_ROOM">, orgId: string) => getServerByName(env.ORG_ROOM, orgRoomName(orgId));

/** A deal's notes room. */
export const dealRoom = (env: Pick<Env, "DEAL_ROOM">, dealId: string) => getServerByName(env.DEAL_ROOM, dealRoomName(dealId));

/** Pushes one of the seed's events to every member connected to the organization room, or only to `userIds`. */
export async function publishEvent<K extends RoomEventType>(
  env: Pick<Env, "ORG_ROOM">,
  orgId: string,
  type: K,
  data: RoomEventData[K],
  userIds?: string[],
) {
  const room = await orgRoom(env, orgId);
  return room.publish(roomEvent(type, data) as RoomEvent, userIds);
}

/** Logs and swallows: the change that triggered the call is already committed, and rooms re-check on connect. */
async function bestEffort<T>(what: string, orgId: string, run: () => Promise<T>, fallback: T): Promise<T> {
  try {
    return await run();
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: `${what} failed`, orgId, err: String(err) }));
    return fallback;
  }
}

/** Closes a user's sockets (all of them, or one session's) in the organization room and the deal rooms it knows they have open. */
export function disconnectUser(
  env: Pick<Env, "ORG_ROOM">,
  orgId: string,
  userId: string,
  reason: string,
  sessionId?: string,
) {
  return bestEffort("disconnect", orgId, async () => (await orgRoom(env, orgId)).disconnect(userId, reason, sessionId), 0);
}

/** Closes the sockets of every member whose view depends on the organization's record visibility (those without `records:read_all`). */
export async function disconnectRestricted(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, reason: string) {
  const members = await db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId));
  const restricted = members.filter((m) => !can(m.role, "records:read_all"));
  await Promise.all(restricted.map((m) => disconnectUser(env, orgId, m.userId, reason)));
}

/** Tells the room its stages or members changed, so it judges edits against the new ones. */
export function directoryChanged(env: Pick<Env, "ORG_ROOM">, orgId: string) {
  return bestEffort("directory refresh", orgId, async () => (await orgRoom(env, orgId)).directoryChanged(), undefined);
}

/** Deletes a deal's notes with the deal. */
export function destroyDealRoom(env: Pick<Env, "DEAL_ROOM">, dealId: string) {
  return bestEffort("deal room cleanup", dealId, async () => (await dealRoom(env, dealId)).destroy(), undefined);
}
