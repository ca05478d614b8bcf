import { index, integer, real, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/** Columns every CRM record has: tenant, owner, tags and audit fields. */
const recordColumns = () => ({
  id: text("id").primaryKey(),
  orgId: text("org_id").notNull(),
  ownerId: text("owner_id"),
  tags: text("tags", { mode: "json" }).$type<string[]>().notNull().default([]),
  createdBy: text("created_by"),
  updatedBy: text("updated_by"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

export const companies = sqliteTable(
  "companies",
  {
    ...recordColumns(),
    name: text("name").notNull(),
    domain: text("domain"),
    industry: text("industry"),
    size: text("size"),
    phone: text("phone"),
    website: text("website"),
    address: text("address"),
  },
  (t) => [
    index("companies_org_name_idx").on(t.orgId, t.name),
    index("companies_org_domain_idx").on(t.orgId, t.domain),
    index("companies_org_owner_idx").on(t.orgId, t.ownerId),
  ],
);

export const contacts = sqliteTable(
  "contacts",
  {
    ...recordColumns(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    phone: text("phone"),
    title: text("title"),
    companyId: text("company_id"),
    source: text("source"),
  },
  (t) => [
    index("contacts_org_name_idx").on(t.orgId, t.lastName, t.firstName),
    index("contacts_org_email_idx").on(t.orgId, t.email),
    index("contacts_org_phone_idx").on(t.orgId, t.phone),
    index("contacts_org_company_idx").on(t.orgId, t.companyId),
    index("contacts_org_owner_idx").on(t.orgId, t.ownerId),
  ],
);

export const LEAD_STATUSES = ["new", "contacted", "qualified", "unqualified", "converted"] as const;

export const leads = sqliteTable(
  "leads",
  {
    ...recordColumns(),
    firstName: text("first_name").notNull(),
    lastName: text("last_name").notNull().default(""),
    email: text("email"),
    phone: text("phone"),
    title: text("title"),
    companyName: text("company_name"),
    source: text("source"),
    status: text("status", { enum: LEAD_STATUSES }).notNull().default("new"),
    /** The effective predictive score (worker/scoring): the override if any, else the model's. */
    score: integer("score"),
    notes: text("notes"),
    convertedAt: integer("converted_at"),
    convertedContactId: text("converted_contact_id"),
    convertedCompanyId: text("converted_company_id"),
    convertedDealId: text("converted_deal_id"),
  },
  (t) => [
    index("leads_org_status_idx").on(t.orgId, t.status),
    index("leads_org_email_idx").on(t.orgId, t.email),
    index("leads_org_phone_idx").on(t.orgId, t.phone),
    index("leads_org_owner_idx").on(t.orgId, t.ownerId),
    index("leads_org_score_idx").on(t.orgId, t.score),
  ],
);

export const pipelines = sqliteTable(
  "pipelines",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    name: text("name").notNull(),
    isDefault: integer("is_default", { mode: "boolean" }).notNull().default(false),
    position: integer("position").notNull().default(0),
    createdAt: integer("created_at").notNull(),
    updatedAt: integer("updated_at").notNull(),
  },
  (t) => [index("pipelines_org_idx").on(t.orgId, t.position)],
);

export const stages = sqliteTable(
  "stages",
  {
    id: text("id").primaryKey(),
    orgId: text("org_id").notNull(),
    pipelineId: text("pipeline_id")
      .notNull()
      .references(() => pipelines.id, { onDelete: "cascade" }),
    name: text("name").notNull(),
    /** Win probability in percent, 0–100. */
    probability: integer("probability").notNull(),
    position: integer("position").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("stages_pipeline_idx").on(t.pipelineId, t.position)],
);

export const DEAL_STATUSES = ["open", "won", "lost"] as const;

/**
 * Deals are co-edited in the organization room's Yjs document; this table is
 * the projection of it (written by the room, in order, versioned) that lists,
 * search and reports read.
 */
export const deals = sqliteTable(
  "deals",
  {
    ...recordColumns(),
    title: text("title").notNull(),
    amount: real("amount").notNull().default(0),
    currency: text("currency").notNull().default("USD"),
    pipelineId: text("pipeline_id").notNull(),
    stageId: text("stage_id").notNull(),
    /** Fractional-index key ordering the card within its stage. */
    position: text("position").notNull(),
    contactId: text("contact_id"),
    companyId: text("company_id"),
    leadId: text("lead_id"),
    closeDate: text("close_date"),
    status: text("status", { enum: DEAL_STATUSES }).notNull().default("open"),
    lostReason: text("lost_reason"),
    /** Predictive score 0–100 (worker/scoring), outside the board document: the room never writes it. */
    score: integer("score"),
    /** Room-assigned version; projection writes only move it forward. */
    version: integer("version").notNull().default(0),
  },
  (t) => [
    index("deals_org_stage_idx").on(t.orgId, t.pipelineId, t.stageId, t.position),
    index("deals_org_status_idx").on(t.orgId, t.status),
    index("deals_org_owner_idx").on(t.orgId, t.ownerId),
    index("deals_org_contact_idx").on(t.orgId, t.contactId),
    index("deals_org_company_idx").on(t.orgId, t.companyId),
    index("deals_org_score_idx").on(t.orgId, t.score),
  ],
);

/** `payment` rows are written by billing (worker/financial) when an invoice is paid, never by hand. */
export const ACTIVITY_TYPES = ["note", "task", "call", "email", "meeting", "payment"] as const;

export const activities = sqliteTable(
  "activities",
  {
    ...recordColumns(),
    type: text("type", { enum: ACTIVITY_TYPES }).notNull(),
    subject: text("subject").notNull(),
    body: text("body"),
    dueAt: integer("due_at"),
    doneAt: integer("done_at"),
    dealId: text("deal_id"),
    contactId: text("contact_id"),
    leadId: text("lead_id"),
    companyId: text("company_id"),
  },
  (t) => [
    index("activities_org_deal_idx").on(t.orgId, t.dealId, t.createdAt),
    index("activities_org_contact_idx").on(t.orgId, t.contactId, t.createdAt),
    index("activities_org_lead_idx").on(t.orgId, t.leadId, t.createdAt),
    index("activities_org_owner_due_idx").on(t.orgId, t.ownerId, t.dueAt),
  ],
);

/** Idempotency for imports and webhooks: a key seen once is never applied twice. */
export const idempotencyKeys = sqliteTable(
  "idempotency_keys",
  {
    orgId: text("org_id").notNull(),
    key: text("key").notNull(),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [uniqueIndex("idempotency_keys_pk").on(t.orgId, t.key)],
);

export type Activity = typeof activities.$inferSelect;
