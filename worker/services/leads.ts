import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../lib/db";
import { conflict, invalid, notFound } from "../lib/errors";
import { newId } from "../lib/ids";
import { hasTag, pageOf } from "../lib/list";
import { activities, deals, leads, LEAD_STATUSES } from "../../schema";
import { auditStatementIf } from "./audit";
import { parsePhone, PHONE_MESSAGE } from "./phone";
import {
  assertOwner,
  baseConditions,
  changesOf,
  cleanTags,
  defaultCountryOf,
  idTaken,
  matchesAny,
  publicRecord,
  requireVisible,
  sortBy,
  text,
  type Actor,
} from "./records";

export type Lead = typeof leads.$inferSelect;

/** The statuses a person sets; "converted" is only ever set by lead conversion. */
export const EDITABLE_LEAD_STATUSES = ["new", "contacted", "qualified", "unqualified"] as const;
export type EditableLeadStatus = (typeof EDITABLE_LEAD_STATUSES)[number];

export interface LeadInput {
  firstName?: string;
  lastName?: string | null;
  email?: string | null;
  phone?: string | null;
  title?: string | null;
  companyName?: string | null;
  source?: string | null;
  status?: EditableLeadStatus;
  score?: number | null;
  notes?: string | null;
  ownerId?: string;
  tags?: string[];
}

export const LEAD_SORTS = ["name", "email", "score", "createdAt", "updatedAt"] as const;

export interface LeadQuery {
  page: number;
  perPage: number;
  sort: (typeof LEAD_SORTS)[number] | `-${(typeof LEAD_SORTS)[number]}`;
  q?: string;
  status?: (typeof LEAD_STATUSES)[number];
  ownerId?: string;
  tag?: string;
  source?: string;
}

async function leadValues(db: Db, orgId: string, actor: Actor, input: LeadInput) {
  const values: Partial<Lead> = {};
  if (input.firstName !== undefined) values.firstName = input.firstName.trim();
  if (input.lastName !== undefined) values.lastName = input.lastName?.trim() ?? "";
  for (const key of ["email", "title", "companyName", "source", "notes"] as const) {
    if (input[key] !== undefined) values[key] = text(input[key]);
  }
  if (input.phone !== undefined) {
    const phone = input.phone?.trim() ? parsePhone(input.phone, await defaultCountryOf(db, orgId)) : null;
    if (phone === undefined) throw invalid({ phone: [PHONE_MESSAGE] });
    values.phone = phone;
  }
  if (input.status !== undefined) values.status = input.status;
  if (input.score !== undefined) values.score = input.score;
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.ownerId !== undefined) {
    await assertOwner(db, orgId, actor, input.ownerId);
    values.ownerId = input.ownerId;
  }
  return values;
}

export async function listLeads(db: Db, orgId: string, actor: Actor, q: LeadQuery) {
  const { rows, total } = await pageOf<Lead>(
    db,
    leads,
    [
      ...baseConditions(leads, orgId, actor),
      q.q
        ? matchesAny(q.q, [leads.firstName, leads.lastName, leads.email, leads.companyName, sql`${leads.firstName} || ' ' || ${leads.lastName}`])
        : undefined,
      q.status ? eq(leads.status, q.status) : undefined,
      q.ownerId ? eq(leads.ownerId, q.ownerId) : undefined,
      q.tag ? hasTag(leads.tags, q.tag) : undefined,
      q.source ? sql`lower(${leads.source}) = ${q.source.toLowerCase()}` : undefined,
    ],
    sortBy(
      q.sort,
      {
        name: [leads.lastName, leads.firstName],
        email: leads.email,
        score: leads.score,
        createdAt: leads.createdAt,
        updatedAt: leads.updatedAt,
      },
      leads.id,
    ),
    q.page,
    q.perPage,
  );
  return { rows: rows.map(publicRecord), total };
}

export async function getLead(db: Db, orgId: string, actor: Actor, id: string) {
  return publicRecord(await requireVisible<Lead>(db, leads, orgId, actor, id, "Lead"));
}

export async function createLead(db: Db, orgId: string, actor: Actor, input: LeadInput & { id?: string; firstName: string }) {
  const values = await leadValues(db, orgId, actor, input);
  const now = Date.now();
  const row: Lead = {
    id: input.id ?? newId(),
    orgId,
    firstName: values.firstName!,
    lastName: values.lastName ?? "",
    email: values.email ?? null,
    phone: values.phone ?? null,
    title: values.title ?? null,
    companyName: values.companyName ?? null,
    source: values.source ?? null,
    status: values.status ?? "new",
    score: values.score ?? null,
    notes: values.notes ?? null,
    convertedAt: null,
    convertedContactId: null,
    convertedCompanyId: null,
    convertedDealId: null,
    ownerId: values.ownerId ?? actor.userId,
    tags: values.tags ?? [],
    createdBy: actor.userId,
    updatedBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  const [inserted] = await db.batch([
    db.insert(leads).values(row).onConflictDoNothing().returning({ id: leads.id }),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "create",
        entity: "lead",
        entityId: row.id,
        changes: { firstName: row.firstName, lastName: row.lastName, email: row.email, status: row.status },
        requestId: actor.requestId,
      },
      sql`changes() > 0`,
    ),
  ]);
  if (inserted.length === 0) throw idTaken(row.id);
  return publicRecord(row);
}

export async function updateLead(db: Db, orgId: string, actor: Actor, id: string, input: LeadInput) {
  const before = await requireVisible<Lead>(db, leads, orgId, actor, id, "Lead");
  const values = await leadValues(db, orgId, actor, input);
  if (before.status === "converted" && values.status !== undefined && values.status !== "converted") {
    throw conflict("This lead has been converted; its status no longer changes");
  }
  const changes = changesOf(before, values);
  if (Object.keys(changes).length === 0) return publicRecord(before);
  const next = { ...values, updatedBy: actor.userId, updatedAt: Date.now() };
  await db.batch([
    db.update(leads).set(next).where(and(eq(leads.orgId, orgId), eq(leads.id, id))),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "update", entity: "lead", entityId: id, changes, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
  ]);
  return publicRecord({ ...before, ...next });
}

/** Deletes a lead; its activities stay, unlinked. A lead that deals point at (one converted into a deal) is kept (409). */
export async function deleteLead(db: Db, orgId: string, actor: Actor, id: string) {
  const lead = await requireVisible<Lead>(db, leads, orgId, actor, id, "Lead");
  const noDeals = sql`NOT EXISTS (SELECT 1 FROM ${deals} WHERE ${deals.orgId} = ${orgId} AND ${deals.leadId} = ${id})`;
  const gone = sql`NOT EXISTS (SELECT 1 FROM ${leads} WHERE ${leads.id} = ${id})`;
  const [deleted] = await db.batch([
    db.delete(leads).where(and(eq(leads.orgId, orgId), eq(leads.id, id), noDeals)).returning({ id: leads.id }),
    auditStatementIf(
      db,
      orgId,
      {
        actorId: actor.userId,
        action: "delete",
        entity: "lead",
        entityId: id,
        changes: { firstName: lead.firstName, lastName: lead.lastName, email: lead.email },
        requestId: actor.requestId,
      },
      sql`changes() > 0`,
    ),
    db.update(activities).set({ leadId: null }).where(and(eq(activities.orgId, orgId), eq(activities.leadId, id), gone)),
  ]);
  if (deleted.length === 0) {
    if (!(await db.$count(leads, and(eq(leads.orgId, orgId), eq(leads.id, id))))) throw notFound("Lead");
    throw conflict("Deals are linked to this lead; it stays as their origin");
  }
}
