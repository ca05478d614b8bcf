import { getTableColumns } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { calls, companies, contacts, deals, invoices, leads, supportTickets, type EventEntity } from "../../../schema";

/**
 * What conditions, field triggers and the builder may name on each record
 * kind: fields read from the same drizzle tables the REST shapes come from
 * (so a new column appears here by itself), minus bookkeeping and secrets,
 * and the linked records a condition may reach through (`company.industry`).
 */

export type FieldType = "string" | "number" | "boolean" | "datetime" | "date" | "tags" | "enum" | "id" | "json";

export interface EntityField {
  name: string;
  type: FieldType;
  /** Enum options (statuses, priorities); stage ids are in the catalog's pipelines. */
  options?: string[];
}

/** A link from one record to another: `company` via `companyId`. */
export interface EntityLink {
  name: "company" | "contact" | "deal" | "lead" | "owner";
  via: string;
  entity: EventEntity | "member";
}

interface EntitySpec {
  label: string;
  table: SQLiteTable;
  links: EntityLink[];
}

const owner: EntityLink = { name: "owner", via: "ownerId", entity: "member" };
const company: EntityLink = { name: "company", via: "companyId", entity: "company" };
const contact: EntityLink = { name: "contact", via: "contactId", entity: "contact" };
const deal: EntityLink = { name: "deal", via: "dealId", entity: "deal" };
const lead: EntityLink = { name: "lead", via: "leadId", entity: "lead" };

export const ENTITY_SPECS: Record<EventEntity, EntitySpec> = {
  deal: { label: "Deal", table: deals, links: [owner, company, contact, lead] },
  lead: { label: "Lead", table: leads, links: [owner] },
  contact: { label: "Contact", table: contacts, links: [owner, company] },
  company: { label: "Company", table: companies, links: [owner] },
  ticket: { label: "Ticket", table: supportTickets, links: [{ name: "owner", via: "assigneeId", entity: "member" }, contact] },
  call: { label: "Call", table: calls, links: [{ name: "owner", via: "agentUserId", entity: "member" }, contact, lead, deal] },
  invoice: { label: "Invoice", table: invoices, links: [owner, company, contact, deal] },
};

/** Columns that are internal bookkeeping or secrets, never a workflow's business. */
const HIDDEN = new Set([
  "orgId", "position", "version", "threadToken", "emailMessageIds", "sourceMessageId", "publicTokenHash", "stripeConnectionId",
  "stripeCheckoutSessionId", "stripeCheckoutExpiresAt", "providerCallId", "providerId", "recordingKey", "recordingProviderId",
  "lastEventAt", "sequence", "sentiment",
]);

function fieldOf(name: string, column: SQLiteColumn): EntityField {
  const enumValues = (column as unknown as { enumValues?: string[] }).enumValues;
  if (enumValues?.length) return { name, type: "enum", options: [...enumValues] };
  if (name === "tags") return { name, type: "tags" };
  if (name === "id" || name.endsWith("Id")) return { name, type: "id" };
  if (column.dataType === "number") return { name, type: /At$/.test(name) ? "datetime" : "number" };
  if (column.dataType === "boolean") return { name, type: "boolean" };
  if (column.dataType === "json") return { name, type: "json" };
  return { name, type: /Date$/.test(name) ? "date" : "string" };
}

const fieldCache = new Map<EventEntity, EntityField[]>();

export function entityFields(entity: EventEntity): EntityField[] {
  let fields = fieldCache.get(entity);
  if (!fields) {
    fields = Object.entries(getTableColumns(ENTITY_SPECS[entity].table))
      .filter(([name]) => !HIDDEN.has(name))
      .map(([name, column]) => fieldOf(name, column as SQLiteColumn));
    fieldCache.set(entity, fields);
  }
  return fields;
}

/** Fields of a member reached through `owner.` */
export const MEMBER_FIELDS: EntityField[] = [
  { name: "id", type: "id" },
  { name: "name", type: "string" },
  { name: "email", type: "string" },
  { name: "role", type: "enum", options: ["owner", "admin", "manager", "agent", "viewer"] },
];

export const hasField = (entity: EventEntity, field: string) => entityFields(entity).some((f) => f.name === field);

/**
 * Whether a condition path names something real on the entity: `amount`,
 * `previous.amount`, `company.industry`, `owner.email`. Schedules have no
 * record (entity null), so only fixed fields are allowed there: none.
 */
export function fieldPathProblem(entity: EventEntity | null, path: string): string | null {
  if (!entity) return "Schedules have no record to compare";
  const parts = path.split(".");
  if (parts.length === 1) return hasField(entity, path) ? null : `No field "${path}" on ${entity}`;
  if (parts.length !== 2) return `"${path}" is not a field path`;
  const [head, field] = parts as [string, string];
  if (head === "previous") return hasField(entity, field) ? null : `No field "${field}" on ${entity}`;
  const link = ENTITY_SPECS[entity].links.find((l) => l.name === head);
  if (!link) return `A ${entity} has no linked "${head}"`;
  const known = link.entity === "member" ? MEMBER_FIELDS.some((f) => f.name === field) : hasField(link.entity, field);
  return known ? null : `No field "${field}" on the linked ${head}`;
}
