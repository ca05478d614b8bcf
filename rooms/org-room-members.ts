import type { Connection } from "partyserver";
import { can } from "../worker/platform/permissions";
import { ROLES, type Role } from "../schema";
import type { DealRecord } from "../schema/board-document";
import { CLOSE, roomEvent, type RoomEvent } from "../schema/room-events";
import { MEMBER_NAME_HEADER, MEMBER_ROLE_HEADER, MEMBER_VISIBILITY_HEADER } from "../schema/room-names";

/**
 * Who is connected to an organization's room and what each socket may see.
 * These take every connection of the room (not y-partyserver's board-only
 * view) and the room's custom-message sender, so they stay plain functions.
 */

/** Per-connection state; it survives hibernation in the socket attachment, so it stays tiny. */
export interface MemberState {
  userId: string;
  sessionId: string;
  role: Role;
  /** The display name others see in this member's presence. */
  name: string;
  /**
   * "events": a member restricted to their own records gets events, never the shared board;
   * "reset": a board socket being closed because the board started a new epoch.
   */
  scope: "board" | "events" | "reset";
}

export type Members = Iterable<Connection<MemberState>>;
export type Send = (connection: Connection, text: string) => void;

export function scopeOf(request: Request, role: Role): MemberState["scope"] {
  const ownOnly = request.headers.get(MEMBER_VISIBILITY_HEADER) === "own" && !can(role, "records:read_all");
  return ownOnly ? "events" : "board";
}

export function liveRole(request: Request, fallback: Role): Role {
  const live = request.headers.get(MEMBER_ROLE_HEADER) as Role | null;
  return live && ROLES.includes(live) ? live : fallback;
}

/** Keeps the socket attachment, which holds the member state, well under its 2 KB. */
const MAX_NAME_LENGTH = 120;

/** The member's display name as the gate read it, cut to what a presence label can show. */
export function memberName(request: Request): string {
  try {
    return decodeURIComponent(request.headers.get(MEMBER_NAME_HEADER) ?? "").slice(0, MAX_NAME_LENGTH);
  } catch {
    return "";
  }
}

/** Tells a board client its copy is of another epoch and closes its socket; nothing more it sends is applied. */
export function resetClient(connection: Connection, epoch: number, send: Send) {
  const state = connection.state as MemberState | null;
  if (state) connection.setState({ ...state, scope: "reset" });
  send(connection, JSON.stringify(roomEvent("board_reset", { epoch })));
  connection.close(CLOSE.boardReset, "The board was compacted; reload it");
}

/** After a squash: whatever a board socket still has in flight belongs to the old epoch, so it must never be applied. */
export function resetBoardClients(members: Members, epoch: number, send: Send) {
  for (const conn of members) {
    if (conn.state?.scope !== "events") resetClient(conn, epoch, send);
  }
}

/** `deal_updated` to board members (unless they have it through Yjs) and to the deal's owner. */
export function announce(members: Members, send: Send, deal: DealRecord, by: string, { boardMembers = true } = {}) {
  const text = JSON.stringify(roomEvent("deal_updated", { deal, by }));
  for (const conn of members) {
    const state = conn.state;
    if (!state) continue;
    if ((boardMembers && state.scope === "board") || (state.scope === "events" && state.userId === deal.ownerId)) {
      send(conn, text);
    }
  }
}

/**
 * Event-only members hold a copy of their own open deals: when one is
 * reassigned away, its former owner is told to drop it (the new owner gets
 * the deal through `announce`).
 */
export function dropFromFormerOwner(members: Members, send: Send, before: DealRecord | undefined, after: DealRecord | null, by: string) {
  if (!before?.ownerId || before.ownerId === after?.ownerId) return;
  const reason = after ? "reassigned" : "deleted";
  sendToOwnOnly(members, send, before.ownerId, roomEvent("deal_removed", { id: before.id, pipelineId: before.pipelineId, reason, by }));
}

function sendToOwnOnly(members: Members, send: Send, userId: string, event: RoomEvent) {
  const text = JSON.stringify(event);
  for (const conn of members) {
    if (conn.state?.scope === "events" && conn.state.userId === userId) send(conn, text);
  }
}

/** Sends an event to every member connected, or only to `userIds`; answers how many sockets it reached. */
export function publish(members: Members, send: Send, event: RoomEvent, userIds?: string[]): number {
  const text = JSON.stringify(event);
  const only = userIds ? new Set(userIds) : null;
  let reached = 0;
  for (const conn of members) {
    if (only && !only.has(conn.state?.userId ?? "")) continue;
    send(conn, text);
    reached++;
  }
  return reached;
}

/** Closes a member's sockets (or one session's); answers how many it closed. */
export function disconnect(members: Members, userId: string, reason: string, sessionId?: string): number {
  let closed = 0;
  for (const conn of members) {
    const state = conn.state;
    if (state?.userId !== userId || (sessionId && state.sessionId !== sessionId)) continue;
    conn.close(CLOSE.revoked, reason);
    closed++;
  }
  return closed;
}
