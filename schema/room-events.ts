/**
 * The seed's WebSocket event types. Events travel to clients as y-partyserver
 * custom messages whose text is `JSON.stringify({ type, data, at })`; clients
 * listen with the provider's `custom-message` event. This is a public contract.
 */
export const ROOM_EVENT_TYPES = [
  "deal_updated",
  "lead_scored",
  "call_started",
  "call_ended",
  "ticket_assigned",
  "notification",
  "ai_insight",
  // Beyond the seed's list: the live boards need these too.
  "deal_removed",
  "activity_changed",
  "import_progress",
  "call_updated",
  "queue_updated",
  "agent_status_changed",
  "ticket_created",
  "ticket_updated",
  "ticket_viewing",
  "ticket_removed",
  // The board document's epoch (rooms/board-epoch.ts), in answer to a client's flush…
  "board_epoch",
  // …and, before the socket closes with CLOSE.boardReset, that the client's copy must be dropped.
  "board_reset",
] as const;

export type RoomEventType = (typeof ROOM_EVENT_TYPES)[number];

export interface RoomEvent<T = unknown> {
  type: RoomEventType;
  data: T;
  /** ISO 8601 time the event was published. */
  at: string;
}

export function roomEvent<T>(type: RoomEventType, data: T, at = new Date()): RoomEvent<T> {
  return { type, data, at: at.toISOString() };
}

/** Close codes a room uses when it refuses or ends a connection. */
export const CLOSE = {
  unauthorized: 4401,
  forbidden: 4403,
  roomFull: 4429,
  revoked: 4001,
  /** The room could not check access just now; a reconnect may succeed. */
  unavailable: 1013,
  /** The board document was squashed: drop the local copy and reconnect with the new epoch. */
  boardReset: 4009,
} as const;
