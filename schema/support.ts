import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { SENTIMENT_MODEL_CHOICES, type Sentiment, type SentimentEscalationRule, type SentimentRollup } from "./sentiment";

export const TICKET_STATUSES = ["new", "open", "pending", "on_hold", "solved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];
/** Statuses in which a ticket still needs work (the backlog, the SLA clock, "load"). */
export const OPEN_TICKET_STATUSES = ["new", "open", "pending", "on_hold"] as const;
export const TICKET_PRIORITIES = ["low", "normal", "high", "urgent"] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export const TICKET_CHANNELS = ["email", "web", "phone", "chat"] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const ASSIGNMENT_RULES = ["manual", "round_robin", "least_loaded"] as const;
export type AssignmentRule = (typeof ASSIGNMENT_RULES)[number];

export const supportTickets = sqliteTable(
  "support_tickets",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    /** Per-organization display number (#1001, #1002, ...). */
    number: integer("number").notNull(),
    subject: text("subject").notNull(),
    description: text("description").notNull().default(""),
    status: text("status", { enum: TICKET_STATUSES }).notNull().default("new"),
    priority: text("priority", { enum: TICKET_PRIORITIES }).notNull().default("normal"),
    channel: text("channel", { enum: TICKET_CHANNELS }).notNull().default("web"),
    contactId: text("contact_id"),
    /** The sender when no contact matches (email-to-ticket). */
    requesterEmail: text("requester_email"),
    requesterName: text("requester_name"),
    assigneeId: text("assignee_id"),
    teamId: text("team_id"),
    tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** A custom due date set by an agent, independent of the SLA. */
    dueAt: integer("due_at"),
    slaPolicyId: text("sla_policy_id"),
    firstResponseDueAt: integer("first_response_due_at"),
    resolutionDueAt: integer("resolution_due_at"),
    /** The earliest SLA target not yet met nor flagged; null when none runs. Breach scans and "breaching soon" read it. */
    slaDueAt: integer("sla_due_at"),
    firstRespondedAt: integer("first_responded_at"),
    solvedAt: integer("solved_at"),
    closedAt: integer("closed_at"),
    firstResponseBreachedAt: integer("first_response_breached_at"),
    resolutionBreachedAt: integer("resolution_breached_at"),
    /** Set while the ticket is pending or on hold: the resolution clock stops, and resumes with the time left. */
    slaPausedAt: integer("sla_paused_at"),
    mergedIntoId: text("merged_into_id"),
    /** Random token put in outbound subjects ("[#1042-abc123]") so replies thread even without headers. */
    threadToken: text("thread_token").notNull(),
    /** Message-IDs of every mail in the thread, for In-Reply-To / References matching. */
    emailMessageIds: text("email_message_ids", { mode: "json" }).$type<string[]>().notNull().default([]),
    /** The Message-ID of the mail that opened the ticket; unique per organization so a redelivered mail cannot open a second ticket. */
    sourceMessageId: text("source_message_id"),
    createdBy: text("created_by"),
    updatedBy: text("updated_by"),
    /** The customer side of the conversation, rolled up (schema/sentiment.ts); null until a customer message is judged. */
    sentiment: text("sentiment", { mode: "json" }).$type<SentimentRollup>(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("support_tickets_org_number_idx").on(t.orgId, t.number),
    uniqueIndex("support_tickets_thread_token_idx").on(t.threadToken),
    index("support_tickets_org_status_idx").on(t.orgId, t.status, t.updatedAt),
    index("support_tickets_org_assignee_idx").on(t.orgId, t.assigneeId, t.status),
    index("support_tickets_org_team_idx").on(t.orgId, t.teamId, t.status),
    index("support_tickets_org_contact_idx").on(t.orgId, t.contactId),
    index("support_tickets_org_created_idx").on(t.orgId, t.createdAt),
    index("support_tickets_sla_due_idx").on(t.slaDueAt),
    uniqueIndex("support_tickets_org_source_message_idx").on(t.orgId, t.sourceMessageId),
  ],
);

export const COMMENT_KINDS = ["public", "internal"] as const;
export const AUTHOR_TYPES = ["user", "contact", "email"] as const;
export const DELIVERY_STATUSES = ["queued", "sent", "failed", "not_configured"] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export const supportComments = sqliteTable(
  "support_comments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    ticketId: text("ticket_id").notNull(),
    /** "public": a reply the requester sees; "internal": a note for agents only. */
    kind: text("kind", { enum: COMMENT_KINDS }).notNull(),
    authorType: text("author_type", { enum: AUTHOR_TYPES }).notNull(),
    /** A user id (authorType user) or a contact id (authorType contact). */
    authorId: text("author_id"),
    authorEmail: text("author_email"),
    authorName: text("author_name"),
    body: text("body").notNull(),
    /** Sanitized HTML (mail bodies); the plain `body` is always present. */
    bodyHtml: text("body_html"),
    emailMessageId: text("email_message_id"),
    /** Outbound mail of a public reply: null (not mailed), queued, sent, failed or not_configured. */
    deliveryStatus: text("delivery_status", { enum: DELIVERY_STATUSES }),
    deliveryError: text("delivery_error"),
    deliveryAttempts: integer("delivery_attempts").notNull().default(0),
    deliveredAt: integer("delivered_at"),
    /** Customer-authored comments only; which model judged is part of it. */
    sentiment: text("sentiment", { mode: "json" }).$type<Sentiment>(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [
    index("support_comments_ticket_idx").on(t.orgId, t.ticketId, t.createdAt),
    // One comment per mail: a reply delivered twice at once writes once.
    uniqueIndex("support_comments_org_message_idx").on(t.orgId, t.emailMessageId),
  ],
);

export const supportAttachments = sqliteTable(
  "support_attachments",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    ticketId: text("ticket_id").notNull(),
    commentId: text("comment_id"),
    /** `<orgId>/tickets/<ticketId>/<attachmentId>` in the FILES bucket. */
    r2Key: text("r2_key").notNull(),
    filename: text("filename").notNull(),
    contentType: text("content_type").notNull(),
    size: integer("size").notNull(),
    uploadedBy: text("uploaded_by"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("support_attachments_ticket_idx").on(t.orgId, t.ticketId)],
);

export const supportTeams = sqliteTable(
  "support_teams",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    assignmentRule: text("assignment_rule", { enum: ASSIGNMENT_RULES }).notNull().default("manual"),
    /** Notified when a conversation of the team turns negative (the sentiment escalation rule). */
    leadUserId: text("lead_user_id"),
    /** Round robin continues after this member. */
    lastAssignedUserId: text("last_assigned_user_id"),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("support_teams_org_name_idx").on(t.orgId, t.name)],
);

export const supportTeamMembers = sqliteTable(
  "support_team_members",
  {
    teamId: text("team_id").notNull(),
    userId: text("user_id").notNull(),
    orgId: text("org_id").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.teamId, t.userId] }), index("support_team_members_org_user_idx").on(t.orgId, t.userId)],
);

export const supportSlaPolicies = sqliteTable(
  "support_sla_policies",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    priority: text("priority", { enum: TICKET_PRIORITIES }).notNull(),
    /** Targets in business minutes of the organization's calendar. */
    firstResponseMinutes: integer("first_response_minutes").notNull(),
    resolutionMinutes: integer("resolution_minutes").notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [uniqueIndex("support_sla_policies_org_priority_idx").on(t.orgId, t.priority)],
);

/** One business calendar per organization; SLA targets count only its working time. */
export const supportCalendars = sqliteTable("support_calendars", {
  orgId: text("org_id").primaryKey(),
  timeZone: text("time_zone").notNull(),
  /** ISO weekdays that are worked: 1 = Monday ... 7 = Sunday. */
  workingDays: text("working_days", { mode: "json" }).$type<number[]>().notNull(),
  /** Working hours as minutes after local midnight, [start, end). */
  startMinute: integer("start_minute").notNull(),
  endMinute: integer("end_minute").notNull(),
  /** Local dates ("YYYY-MM-DD") that are not worked. */
  holidays: text("holidays", { mode: "json" }).$type<string[]>().notNull().default([]),
  updatedAt: integer("updated_at").notNull(),
});

export interface TicketViewFilters {
  status?: string[];
  priority?: string[];
  channel?: string[];
  assigneeId?: string;
  teamId?: string;
  sla?: "ok" | "breaching_soon" | "breached";
  tag?: string;
  q?: string;
  sort?: string;
}

export const supportViews = sqliteTable(
  "support_views",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    userId: text("user_id").notNull(),
    name: text("name").notNull(),
    filters: text("filters", { mode: "json" }).$type<TicketViewFilters>().notNull(),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("support_views_org_user_idx").on(t.orgId, t.userId)],
);

export const supportSettings = sqliteTable("support_settings", {
  orgId: text("org_id").primaryKey(),
  /** Local part of the organization's inbound address ("support+acme"); mail to it becomes tickets of this org. */
  inboundLocalPart: text("inbound_local_part").notNull().unique(),
  fromName: text("from_name"),
  fromAddress: text("from_address"),
  /** Null = off. */
  sentimentEscalation: text("sentiment_escalation", { mode: "json" }).$type<SentimentEscalationRule>(),
  /** Which model judges customer messages: the embedded one, Workers AI or the organization's chat model (schema/sentiment.ts). */
  sentimentModel: text("sentiment_model", { enum: SENTIMENT_MODEL_CHOICES }).notNull().default("embedded"),
  updatedAt: integer("updated_at").notNull(),
});

export type SupportTicket = typeof supportTickets.$inferSelect;

export const SLA_STATES = ["ok", "breaching_soon", "breached"] as const;
export type SlaStateName = (typeof SLA_STATES)[number];

/** What a ticket answers as `sla`: the state and the numbers a live countdown needs. */
export interface SlaSummary {
  state: SlaStateName;
  policyId: string | null;
  firstResponseDueAt: number | null;
  resolutionDueAt: number | null;
  nextDueAt: number | null;
  /** True while pending / on hold: the resolution clock is stopped. */
  paused: boolean;
  /** Wall-clock ms until nextDueAt (negative once past); null when no target runs. */
  remainingMs: number | null;
  firstResponseBreachedAt: number | null;
  resolutionBreachedAt: number | null;
}

/** A ticket as the API and room events answer it: no tenant column, plus its live SLA state. */
export type PublicTicket = Omit<SupportTicket, "orgId"> & { sla: SlaSummary };
