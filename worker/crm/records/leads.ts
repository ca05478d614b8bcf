import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { conflict, invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { hasTag, pageOf } from "../../platform/list";
import { activities, deals, leads, LEAD_STATUSES } from "../../../schema";
import { PHONE_MESSAGE } from "../../platform/phone";
import { creationColumns, deleteUnlessDeals, insertRecord, updateRecord } from "./record-writes";
import {
  assertOwner,
  baseConditions,
  cleanTags,
  matchesWords,
  phoneOf,
  publicRecord,
  requireVisible,
  sortBy,
  text,
  type Actor,
} from "../../platform/records";

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

async function leadValues(db: Db, orgId: string, actor: Actor, input: LeadInput, before?: Lead) {
  const values: Partial<Lead> = {};
  if (input.firstName !== undefined) values.firstName = input.firstName.trim();
  if (input.lastName !== undefined) values.lastName = input.lastName?.trim() ?? "";
  for (const key of ["email", "title", "companyName", "source", "notes"] as const) {
    if (input[key] !== undefined) values[key] = text(input[key]);
  }
  if (input.phone !== undefined) {
    const phone = await phoneOf(db, orgId, input.phone);
    if (phone === undefined) throw invalid({ phone: [PHONE_MESSAGE] });
    values.phone = phone;
  }
  if (input.status !== undefined) values.status = input.status;
  if (input.score !== undefined) values.score = input.score;
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.ownerId !== undefined) {
    await assertOwner(db, orgId, actor, input.ownerId, before?.ownerId);
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
        ? matchesWords(q.q, "leads_fts", leads, orgId, [leads.firstName, leads.lastName, leads.email, leads.companyName])
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
    ...creationColumns(actor, values, now),
  };
  return insertRecord(db, leads, orgId, actor, row, {
    entity: "lead",
    changes: { firstName: row.firstName, lastName: row.lastName, email: row.email, status: row.status },
  });
}

export async function updateLead(db: Db, orgId: string, actor: Actor, id: string, input: LeadInput) {
  const before = await requireVisible<Lead>(db, leads, orgId, actor, id, "Lead");
  const values = await leadValues(db, orgId, actor, input, before);
  if (before.status === "converted" && values.status !== undefined && values.status !== "converted") {
    throw conflict("This lead has been converted; its status no longer changes");
  }
  return updateRecord(db, leads, orgId, actor, before, values, "lead");
}

/** Deletes a lead; its activities stay, unlinked. A lead that deals point at (one converted into a deal) is kept (409). */
export async function deleteLead(db: Db, orgId: string, actor: Actor, id: string) {
  const lead = await requireVisible<Lead>(db, leads, orgId, actor, id, "Lead");
  await deleteUnlessDeals(db, leads, orgId, actor, id, {
    what: "Lead",
    dealColumn: deals.leadId,
    audit: { entity: "lead", changes: { firstName: lead.firstName, lastName: lead.lastName, email: lead.email } },
    unlink: (gone) => [
      db.update(activities).set({ leadId: null }).where(and(eq(activities.orgId, orgId), eq(activities.leadId, id), gone)),
    ],
    conflictMessage: "Deals are linked to this lead; it stays as their origin",
  });
}
