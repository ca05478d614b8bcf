import type { AiInsight } from "./ai-api";
import type { ScoreFactor, ScoredType } from "./scoring";
import type { DealRecord } from "./board-document";
import type { AgentStatus } from "./agents";
import type { Activity } from "./crm";
import type { Notification } from "./notifications";
import type { PublicTicket } from "./support";
import type { CallView } from "./telephony";
import type { Invoice, Payment } from "./financial";
import type { AutomationRun } from "./workflows";

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
  // Billing (worker/financial): an invoice or quote changed, a payment arrived.
  "invoice_updated",
  "payment_received",
  // Automation (worker/automation): a workflow run moved on (the run log updates live); a segment's membership changed.
  "workflow_run_updated",
  "segment_updated",
  // The board document's epoch (rooms/board-squash.ts, rooms/board-epoch.ts), in answer to a client's flush…
  "board_epoch",
  // …and, before the socket closes with CLOSE.boardReset, that the client's copy must be dropped.
  "board_reset",
] as const;

export type RoomEventType = (typeof ROOM_EVENT_TYPES)[number];

/** The ids an activity is filed under: all a member who may not see it learns when it leaves their view. */
export type ActivityIds = Pick<Activity, "id" | "dealId" | "contactId" | "leadId" | "companyId">;
export type PublicActivity = Omit<Activity, "orgId">;

export type TicketEvent = { ticket: PublicTicket; by: string | null; deleted?: true; comment?: unknown };

/** The room's own notice that a client's board edit was refused and reverted. */
export interface EditRejected {
  level: "error";
  code: "edit_rejected";
  dealId: string;
  message: string;
}

/** `lead_scored`: a lead's or deal's effective score changed (worker/scoring); sent only to members who may see it. */
export interface LeadScored {
  record: { type: ScoredType; id: string; title: string };
  score: number;
  previous: number | null;
  factors: ScoreFactor[];
  modelVersion: string;
  overridden: boolean;
}

/** What billing events carry of an invoice or quote: enough for lists, badges and the deal page. */
export type InvoiceSummary = Pick<
  Invoice,
  "id" | "kind" | "status" | "number" | "currency" | "total" | "amountPaid" | "amountDue" | "dealId" | "companyId" | "contactId" | "ownerId" | "dueDate" | "paidAt" | "updatedAt"
>;

/** What the run log and a record's page need to show a run moving on; the full log is read over REST. */
export type WorkflowRunSummary = Pick<AutomationRun, "id" | "workflowId" | "status" | "reason" | "entity" | "recordId" | "attempt" | "createdAt" | "startedAt" | "finishedAt">;

export type InvoiceChange = "created" | "updated" | "finalized" | "sent" | "paid" | "partially_paid" | "voided" | "uncollectible" | "accepted" | "declined" | "refunded" | "deleted";

/** Each event's `data`. */
export interface RoomEventData {
  deal_updated: { deal: DealRecord; by: string | null };
  deal_removed: { id: string; pipelineId: string; reason: string; by: string | null };
  lead_scored: LeadScored;
  ai_insight: AiInsight;
  call_started: { call: CallView };
  call_updated: { call: CallView; event: string };
  call_ended: { call: CallView };
  queue_updated: { queueId: string; change?: string; waiting?: number };
  agent_status_changed: { userId: string; name: string; status: AgentStatus; source: "agent" | "manager" | "system"; changedAt: number | null };
  ticket_created: TicketEvent;
  ticket_updated: TicketEvent;
  ticket_assigned: {
    ticket: PublicTicket;
    ticketId: string;
    assigneeId: string;
    previousAssigneeId: string | null;
    teamId: string | null;
    by: string | null;
  };
  ticket_viewing: { ticketId: string; userId: string; name: string | null; activity: "viewing" | "replying" | "left" };
  ticket_removed: { id: string; reason: string; by: string | null };
  notification: { notification: Omit<Notification, "orgId"> } | EditRejected;
  activity_changed:
    | { action: "created" | "updated"; activity: PublicActivity | ActivityIds; by: string }
    | { action: "deleted" | "removed"; activity: ActivityIds; by: string };
  import_progress: {
    progressId: string;
    phase: "validating" | "matching" | "writing" | "done" | "failed";
    processed: number;
    total: number;
    committed?: boolean;
  };
  /** Sent only to members who may see the invoice (its owner's audience). */
  invoice_updated: { invoice: InvoiceSummary; change: InvoiceChange; by: string | null };
  payment_received: { payment: Omit<Payment, "orgId">; invoice: InvoiceSummary | null };
  workflow_run_updated: { run: WorkflowRunSummary };
  segment_updated: { segmentId: string; memberCount: number; entered: number; left: number };
  board_epoch: { epoch: number; seq: number };
  board_reset: { epoch: number };
}

/** One event as it travels: `type`, its typed `data`, and the ISO 8601 time it was published. */
export type RoomEvent<K extends RoomEventType = RoomEventType> = {
  [T in K]: { type: T; data: RoomEventData[T]; at: string };
}[K];

export function roomEvent<K extends RoomEventType>(type: K, data: RoomEventData[K], at = new Date()): RoomEvent<K> {
  return { type, data, at: at.toISOString() } as RoomEvent<K>;
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
