import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * The call center: telephony providers (Twilio or a PBX), extensions mapping
 * members to provider identities, queues, calls and each call's timeline.
 * Every table carries `org_id`; every query filters on it.
 */

export const PROVIDER_TYPES = ["twilio", "asterisk", "freepbx", "3cx"] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

/** Non-secret settings readable without decrypting (lookups, routing, display). */
export interface ProviderPublicConfig {
  /** Twilio: the organization's numbers (E.164). */
  phoneNumbers?: string[];
  /** Twilio: the TwiML application the browser softphone dials through. */
  twimlAppSid?: string;
  /** ARI (Asterisk/FreePBX): REST base URL, Stasis application, dialplan context and endpoint technology. */
  baseUrl?: string;
  application?: string;
  context?: string;
  endpointTechnology?: string;
  /** 3CX: the PBX's public URL (FQDN) for display and template. */
  pbxUrl?: string;
  /** A Twilio-compatible REST base overriding https://api.twilio.com (test servers, regional edges). */
  apiBaseUrl?: string;
}

export const telephonyProviders = sqliteTable(
  "telephony_providers",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    type: text("type", { enum: PROVIDER_TYPES }).notNull(),
    name: text("name").notNull(),
    /** AES-GCM ciphertext (base64) of the JSON secret config; key = ENCRYPTION_KEY. */
    configCiphertext: text("config_ciphertext").notNull(),
    /** The 12-byte GCM nonce (base64) of `configCiphertext`. */
    configIv: text("config_iv").notNull(),
    publicConfig: text("public_config", { mode: "json" }).$type<ProviderPublicConfig>().notNull().default({}),
    /**
     * SHA-256 (base64url) of the secret PBXs and 3CX present when they call us;
     * the secret itself is inside the encrypted config (`webhookSecret`).
     */
    webhookSecretHash: text("webhook_secret_hash").notNull(),
    /** Inbound calls without a more specific route go to this queue. */
    defaultQueueId: text("default_queue_id"),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    lastTestStatus: text("last_test_status", { enum: ["ok", "error"] }),
    lastTestMessage: text("last_test_message"),
    lastTestedAt: integer("last_tested_at"),
    createdBy: text("created_by"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("telephony_providers_org_idx").on(t.orgId, t.createdAt)],
);

/** A member's identity at a provider: a PBX extension, or a Twilio Client identity. */
export const telephonyExtensions = sqliteTable(
  "telephony_extensions",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    providerId: text("provider_id")
      .notNull()
      .references(() => telephonyProviders.id, { onDelete: "cascade" }),
    userId: text("user_id").notNull(),
    /** "1001" on a PBX; the Client identity on Twilio. */
    extension: text("extension").notNull(),
    label: text("label"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("telephony_extensions_provider_ext_idx").on(t.providerId, t.extension),
    uniqueIndex("telephony_extensions_provider_user_idx").on(t.providerId, t.userId),
    index("telephony_extensions_org_user_idx").on(t.orgId, t.userId),
  ],
);

export const QUEUE_STRATEGIES = ["ring_all", "round_robin", "longest_idle"] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];
export const QUEUE_OVERFLOWS = ["voicemail", "queue", "number"] as const;

export const callQueues = sqliteTable(
  "call_queues",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    strategy: text("strategy", { enum: QUEUE_STRATEGIES }).notNull().default("ring_all"),
    /** How long one offer rings an agent before the next (or overflow). */
    ringTimeoutSeconds: integer("ring_timeout_seconds").notNull().default(20),
    /** Longest a caller waits in the queue before overflow. */
    maxWaitSeconds: integer("max_wait_seconds").notNull().default(300),
    overflowAction: text("overflow_action", { enum: QUEUE_OVERFLOWS }).notNull().default("voicemail"),
    /** The queue id (overflow "queue") or E.164 number (overflow "number"). */
    overflowTarget: text("overflow_target"),
    /** Round robin resumes after this member. */
    lastAssignedUserId: text("last_assigned_user_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("call_queues_org_name_idx").on(t.orgId, t.name)],
);

export const callQueueMembers = sqliteTable(
  "call_queue_members",
  {
    queueId: text("queue_id")
      .notNull()
      .references(() => callQueues.id, { onDelete: "cascade" }),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    /** Lower rings first (round robin and longest idle break ties by it). */
    priority: integer("priority").notNull().default(0),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.queueId, t.userId] }), index("call_queue_members_org_user_idx").on(t.orgId, t.userId)],
);

export const CALL_DIRECTIONS = ["inbound", "outbound", "internal"] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_STATUSES = [
  "initiated",
  "queued",
  "ringing",
  "in_progress",
  "on_hold",
  "completed",
  "busy",
  "no_answer",
  "failed",
  "canceled",
] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];
export const FINAL_CALL_STATUSES = ["completed", "busy", "no_answer", "failed", "canceled"] as const;

export const calls = sqliteTable(
  "calls",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    providerId: text("provider_id").notNull(),
    /** The provider's id: Twilio's CallSid, the ARI channel id, 3CX's call id. */
    providerCallId: text("provider_call_id").notNull(),
    direction: text("direction", { enum: CALL_DIRECTIONS }).notNull(),
    /** E.164 when the input was a phone number; an extension or SIP identity otherwise. */
    fromNumber: text("from_number").notNull().default(""),
    toNumber: text("to_number").notNull().default(""),
    status: text("status", { enum: CALL_STATUSES }).notNull(),
    agentUserId: text("agent_user_id"),
    queueId: text("queue_id"),
    contactId: text("contact_id"),
    leadId: text("lead_id"),
    dealId: text("deal_id"),
    /** The `call` activity written on the matched records' timelines when the call ended. */
    activityId: text("activity_id"),
    startedAt: integer("started_at").notNull(),
    ringingAt: integer("ringing_at"),
    answeredAt: integer("answered_at"),
    endedAt: integer("ended_at"),
    /** While on hold: when the current hold began. */
    holdStartedAt: integer("hold_started_at"),
    ringSeconds: integer("ring_seconds").notNull().default(0),
    talkSeconds: integer("talk_seconds").notNull().default(0),
    holdSeconds: integer("hold_seconds").notNull().default(0),
    durationSeconds: integer("duration_seconds").notNull().default(0),
    /** From the end of the call to the agent's wrap-up (first disposition or notes). */
    wrapUpSeconds: integer("wrap_up_seconds"),
    wrappedUpAt: integer("wrapped_up_at"),
    disposition: text("disposition"),
    notes: text("notes"),
    recordingKey: text("recording_key"),
    recordingProviderId: text("recording_provider_id"),
    recordingSeconds: integer("recording_seconds"),
    /** Bumped by every applied event; writes are conditional on it (optimistic concurrency). */
    version: integer("version").notNull().default(0),
    /** The latest event time applied, so late deliveries cannot move state backwards. */
    lastEventAt: integer("last_event_at").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("calls_provider_call_idx").on(t.providerId, t.providerCallId),
    index("calls_org_started_idx").on(t.orgId, t.startedAt),
    index("calls_org_status_idx").on(t.orgId, t.status, t.startedAt),
    index("calls_org_agent_idx").on(t.orgId, t.agentUserId, t.startedAt),
    index("calls_org_queue_idx").on(t.orgId, t.queueId, t.startedAt),
    index("calls_org_contact_idx").on(t.orgId, t.contactId, t.startedAt),
    index("calls_org_lead_idx").on(t.orgId, t.leadId, t.startedAt),
    index("calls_org_from_idx").on(t.orgId, t.fromNumber),
    index("calls_org_to_idx").on(t.orgId, t.toNumber),
  ],
);

export const CALL_ACTIVITY_TYPES = [
  "initiated",
  "queued",
  "ringing",
  "answered",
  "hold",
  "unhold",
  "transfer",
  "ended",
  "recording",
  "note",
  "disposition",
] as const;
export type CallActivityType = (typeof CALL_ACTIVITY_TYPES)[number];

/** A call's timeline. `event_id` makes ingestion idempotent: one row per provider event. */
export const callActivities = sqliteTable(
  "call_activities",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    callId: text("call_id")
      .notNull()
      .references(() => calls.id, { onDelete: "cascade" }),
    type: text("type", { enum: CALL_ACTIVITY_TYPES }).notNull(),
    at: integer("at").notNull(),
    eventId: text("event_id"),
    actorId: text("actor_id"),
    data: text("data", { mode: "json" }).$type<Record<string, unknown>>().notNull().default({}),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("call_activities_event_idx").on(t.callId, t.eventId), index("call_activities_call_at_idx").on(t.callId, t.at)],
);

export type CallRow = typeof calls.$inferSelect;

/** A call as the API and room events answer it (`from`/`to` rather than the column names). */
export type CallView = Omit<
  CallRow,
  "orgId" | "fromNumber" | "toNumber" | "holdStartedAt" | "recordingKey" | "recordingProviderId" | "recordingSeconds"
> & {
  from: CallRow["fromNumber"];
  to: CallRow["toNumber"];
  /** The matched contact's (else lead's) name, when known. */
  partyName: string | null;
  recording: { available: boolean; providerRecordingId: string | null; durationSeconds: number | null } | null;
};
