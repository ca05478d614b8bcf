/**
 * Queue messages that one feature sends and another handles: the agent
 * status service (worker/agents) enqueues them when an agent becomes
 * available, without importing the support or telephony services.
 */
/** Hands the agent the queued tickets of their teams (worker/support/tickets/handout.ts). */
export const HANDOUT_JOB = "support-handout";

export interface HandoutJob {
  type: typeof HANDOUT_JOB;
  orgId: string;
  userId: string;
  [key: string]: unknown;
}

/** Moves Twilio callers waiting on hold music back into routing (worker/telephony/twilio/twilio-wait.ts). */
export const QUEUE_WAKE_JOB = "telephony-queue-wake";
export const MAX_WAIT_JOB = "telephony-queue-max-wait";

/** An agent became available: their queues' oldest holding callers are routed again. */
export interface QueueWakeJob {
  type: typeof QUEUE_WAKE_JOB;
  orgId: string;
  userId: string;
  [key: string]: unknown;
}

/** A caller's maxWait in a queue is up: routed again (so overflow), if still holding in that stint. */
export interface MaxWaitJob {
  type: typeof MAX_WAIT_JOB;
  orgId: string;
  providerId: string;
  /** The record's CallSid (calls.provider_call_id). */
  callSid: string;
  queueId: string;
  /** When the caller entered the queue (the `since` of its queue-wait URL). */
  since: number;
  [key: string]: unknown;
}

/** Transcribes a call's recording once it is in R2 (worker/ai/transcripts/); telephony enqueues it without importing the AI layer. */
export const CALL_TRANSCRIPT_JOB = "ai-call-transcript";

export interface CallTranscriptJob {
  type: typeof CALL_TRANSCRIPT_JOB;
  orgId: string;
  callId: string;
  /** The R2 key the transcript is for; a job for a recording the call no longer has does nothing. */
  recordingKey: string;
  /**
   * Twilio's dual-channel WAV of the same recording, kept in R2 only for the
   * transcriber (each party is transcribed on its own, so segments know who
   * spoke). Absent when it was too large or unavailable: the recording is
   * then transcribed whole. The job deletes it once it no longer needs it.
   */
  channelsKey?: string;
  /**
   * Set by a member's retry: the epoch ms at which the transcript was put back
   * to pending, so this job (and no duplicate delivery of it) may take it.
   */
  requestedAt?: number;
  [key: string]: unknown;
}

/**
 * Judges a customer message with the organization's remote sentiment model
 * (Workers AI or its chat model) after the message is written, so mail
 * intake never waits on a model; support enqueues it, the AI layer handles it.
 */
export const TICKET_SENTIMENT_JOB = "ai-ticket-sentiment";

export interface TicketSentimentJob {
  type: typeof TICKET_SENTIMENT_JOB;
  orgId: string;
  ticketId: string;
  /** The customer's comment; null: the message that opened the ticket (its description). */
  commentId: string | null;
  [key: string]: unknown;
}

/** Retrains an organization's lead or deal scoring model and, once promoted, rescores (worker/scoring). */
export const SCORING_RETRAIN_JOB = "scoring-retrain";

export interface ScoringRetrainJob {
  type: typeof SCORING_RETRAIN_JOB;
  orgId: string;
  recordType: "lead" | "deal";
  /** Why: "button", "outcomes", "nightly", "rules" (the admin's rules changed). */
  reason: string;
  by?: string | null;
  [key: string]: unknown;
}

/**
 * Records changed: rescores the organization's leads and deals changed since
 * its last refresh, and retrains when outcomes arrived. Sent after CRM writes
 * and by the organization room after it projected deals, with a short delay;
 * a job requested before the last refresh began does nothing (debounce).
 */
export const SCORING_REFRESH_JOB = "scoring-refresh";

export interface ScoringRefreshJob {
  type: typeof SCORING_REFRESH_JOB;
  orgId: string;
  requestedAt: number;
  [key: string]: unknown;
}

/** Emails an invoice or quote with its PDF and a fresh customer link (worker/financial/sending). */
export const INVOICE_SEND_JOB = "financial-invoice-send";

export interface InvoiceSendJob {
  type: typeof INVOICE_SEND_JOB;
  orgId: string;
  invoiceId: string;
  to: string[];
  cc: string[];
  subject: string;
  message: string;
  /** The app's origin the link points to (the origin the Send request came from). */
  origin: string;
  by: string | null;
  [key: string]: unknown;
}

/** Compares a Stripe connection's balance transactions with our payments for one reconciliation run (worker/financial/reconciliation). */
export const RECONCILIATION_JOB = "financial-reconciliation";

export interface ReconciliationJob {
  type: typeof RECONCILIATION_JOB;
  orgId: string;
  runId: string;
  [key: string]: unknown;
}

/** A record changed (schema/domain-events.ts): automation fans it out to workflows, webhooks, hooks and segments. */
export const DOMAIN_EVENT_JOB = "automation-domain-event";

export interface DomainEventJob {
  type: typeof DOMAIN_EVENT_JOB;
  event: import("./domain-events").DomainEvent;
  [key: string]: unknown;
}

/** One attempt of an outbound webhook message (worker/automation/webhooks); re-queued until its attempt is due. */
export const WEBHOOK_DELIVERY_JOB = "automation-webhook-delivery";

export interface WebhookDeliveryJob {
  type: typeof WEBHOOK_DELIVERY_JOB;
  orgId: string;
  deliveryId: string;
  /** The attempt this job makes (1-based): a job whose attempt already happened does nothing. */
  attempt: number;
  [key: string]: unknown;
}
