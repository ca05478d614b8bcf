import { and, eq, inArray } from "drizzle-orm";
import { companies, contacts, deals, leads, memberships, users, type AiCitation } from "../../../schema";
import { citationMarker } from "../../../schema/ai-api";
import type { Db } from "../../platform/db";
import { forbidden } from "../../platform/errors";
import { localParts } from "../../platform/local-time";
import { allows, type Permission } from "../../platform/permissions";
import { findVisible, type Actor, type RecordTable } from "../../platform/records";
import { companyService, contactService, getDeal, leadService, listPipelines } from "../../crm";
import { requireVisibleTicket } from "../../support";
import { getCall } from "../../telephony";
import type { ToolScope } from "./assistant-tool-kit";

/**
 * Records as the assistant's model reads them: key fields only, long text
 * trimmed, dates in the organization's time zone, and every record (the
 * linked ones too) with its `title` and `cite` marker. Each is read through
 * the feature's own permission-checked service, so a record the caller may
 * not see is "not found", exactly as over REST.
 */

export const ASSISTANT_RECORD_TYPES = ["deal", "contact", "company", "lead", "ticket", "call"] as const;
export type AssistantRecordType = (typeof ASSISTANT_RECORD_TYPES)[number];

/** The records activities link to: tasks, notes and email drafts go on one of these. */
export const ACTIVITY_TARGETS = ["deal", "contact", "company", "lead"] as const;
export type ActivityTarget = (typeof ACTIVITY_TARGETS)[number];

const READ_PERMISSION: Record<AssistantRecordType, Permission> = {
  deal: "records:read",
  contact: "records:read",
  company: "records:read",
  lead: "records:read",
  ticket: "tickets:read",
  call: "telephony:read",
};

export function mayRead(actor: Actor, type: AssistantRecordType): boolean {
  return allows(actor, READ_PERMISSION[type]);
}

export function assertMayRead(actor: Actor, type: AssistantRecordType) {
  if (!mayRead(actor, type)) throw forbidden(`Your role (${actor.role}) may not read ${type}s`);
}

/** A record's id (for further tool calls), `title` and citation marker, which every record in a tool result carries. */
export const cited = (type: AiCitation["type"], id: string, title: string) => ({ id, title, cite: citationMarker({ type, id }) });

export const clip = (text: string | null | undefined, max: number): string | null => {
  if (!text) return null;
  const flat = text.trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** "2026-12-04 15:30", wall-clock time in the organization's zone. */
export function localStamp(ms: number | null | undefined, timeZone: string): string | null {
  if (ms === null || ms === undefined) return null;
  const p = localParts(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}`;
}

export const personTitle = (p: { firstName: string; lastName: string | null }) => `${p.firstName} ${p.lastName ?? ""}`.trim();

export async function memberNames(db: Db, orgId: string, ids: (string | null | undefined)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => !!id))];
  if (!wanted.length) return new Map();
  const rows = await db
    .select({ id: users.id, name: users.name })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(and(eq(memberships.orgId, orgId), inArray(memberships.userId, wanted)));
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** A linked record as `{title, cite}`, or null when there is none or the caller may not see it. */
async function linked(s: ToolScope, type: ActivityTarget, id: string | null) {
  if (!id) return null;
  const table: RecordTable = { deal: deals, contact: contacts, company: companies, lead: leads }[type];
  const row = await findVisible<Record<string, unknown> & { ownerId: string | null }>(s.db, table, s.orgId, s.actor, id);
  if (!row) return null;
  const title = type === "deal" ? String(row.title) : type === "company" ? String(row.name) : personTitle(row as unknown as { firstName: string; lastName: string });
  return cited(type, id, title);
}

async function dealView(s: ToolScope, id: string) {
  const deal = await getDeal(s.db, s.actor, id);
  const [pipelines, names, contact, company] = await Promise.all([
    listPipelines(s.db, s.orgId),
    memberNames(s.db, s.orgId, [deal.ownerId]),
    linked(s, "contact", deal.contactId),
    linked(s, "company", deal.companyId),
  ]);
  const pipeline = pipelines.find((p) => p.id === deal.pipelineId);
  const stage = pipeline?.stages.find((st) => st.id === deal.stageId);
  return {
    ...cited("deal", deal.id, deal.title),
    amount: deal.amount,
    currency: deal.currency,
    pipeline: pipeline?.name ?? null,
    stage: stage?.name ?? null,
    probability: stage?.probability ?? null,
    status: deal.status,
    closeDate: deal.closeDate,
    lostReason: clip(deal.lostReason, 300),
    owner: deal.ownerId ? (names.get(deal.ownerId) ?? null) : null,
    contact,
    company,
    tags: deal.tags,
    updatedAt: localStamp(deal.updatedAt, s.timeZone),
  };
}

async function contactView(s: ToolScope, id: string) {
  const c = await contactService.get(s.db, s.orgId, s.actor, id);
  const names = await memberNames(s.db, s.orgId, [c.ownerId]);
  return {
    ...cited("contact", c.id, personTitle(c)),
    email: c.email,
    phone: c.phone,
    jobTitle: c.title,
    company: c.company ? cited("company", c.company.id, c.company.name) : null,
    source: c.source,
    owner: c.ownerId ? (names.get(c.ownerId) ?? null) : null,
    tags: c.tags,
  };
}

async function companyView(s: ToolScope, id: string) {
  const c = await companyService.get(s.db, s.orgId, s.actor, id);
  const names = await memberNames(s.db, s.orgId, [c.ownerId]);
  return {
    ...cited("company", c.id, c.name),
    domain: c.domain,
    industry: c.industry,
    size: c.size,
    phone: c.phone,
    website: c.website,
    owner: c.ownerId ? (names.get(c.ownerId) ?? null) : null,
    counts: c.counts,
    tags: c.tags,
  };
}

async function leadView(s: ToolScope, id: string) {
  const l = await leadService.get(s.db, s.orgId, s.actor, id);
  const names = await memberNames(s.db, s.orgId, [l.ownerId]);
  return {
    ...cited("lead", l.id, personTitle(l)),
    email: l.email,
    phone: l.phone,
    jobTitle: l.title,
    companyName: l.companyName,
    status: l.status,
    score: l.score,
    source: l.source,
    notes: clip(l.notes, 1000),
    owner: l.ownerId ? (names.get(l.ownerId) ?? null) : null,
    tags: l.tags,
  };
}

export const ticketTitle = (t: { number: number; subject: string }) => `#${t.number} ${t.subject}`;

async function ticketView(s: ToolScope, id: string) {
  const t = await requireVisibleTicket(s.db, s.orgId, s.actor, id);
  const [names, contact] = await Promise.all([memberNames(s.db, s.orgId, [t.assigneeId]), linked(s, "contact", t.contactId)]);
  return {
    ...cited("ticket", t.id, ticketTitle(t)),
    status: t.status,
    priority: t.priority,
    channel: t.channel,
    requester: t.requesterName ?? t.requesterEmail,
    contact,
    assignee: t.assigneeId ? (names.get(t.assigneeId) ?? null) : null,
    description: clip(t.description, 1500),
    slaBreached: t.firstResponseBreachedAt !== null || t.resolutionBreachedAt !== null || (t.slaDueAt !== null && t.slaDueAt <= Date.now()),
    slaDueAt: localStamp(t.slaDueAt, s.timeZone),
    createdAt: localStamp(t.createdAt, s.timeZone),
    tags: t.tags,
  };
}

export function datedCallTitle(c: { direction: string; partyName: string | null; from: string; to: string; startedAt: number }, timeZone: string) {
  const party = c.partyName ?? (c.direction === "inbound" ? c.from : c.to);
  return `${c.direction === "inbound" ? "Call from" : "Call to"} ${party} on ${localStamp(c.startedAt, timeZone)}`;
}

async function callView(s: ToolScope, id: string) {
  const c = await getCall(s.db, s.orgId, s.actor, id);
  const [names, contact, lead, deal] = await Promise.all([
    memberNames(s.db, s.orgId, [c.agentUserId]),
    linked(s, "contact", c.contactId),
    linked(s, "lead", c.leadId),
    linked(s, "deal", c.dealId),
  ]);
  return {
    ...cited("call", c.id, datedCallTitle(c, s.timeZone)),
    direction: c.direction,
    status: c.status,
    from: c.from,
    to: c.to,
    startedAt: localStamp(c.startedAt, s.timeZone),
    durationSeconds: c.durationSeconds,
    talkSeconds: c.talkSeconds,
    agent: c.agentUserId ? (names.get(c.agentUserId) ?? null) : null,
    contact,
    lead,
    deal,
    disposition: c.disposition,
    notes: clip(c.notes, 1000),
  };
}

const VIEWS: Record<AssistantRecordType, (s: ToolScope, id: string) => Promise<{ id: string; title: string; cite: string }>> = {
  deal: dealView,
  contact: contactView,
  company: companyView,
  lead: leadView,
  ticket: ticketView,
  call: callView,
};

/** One record the caller may see, as the model reads it; 404 when hidden or absent, 403 when the role may not read the type. */
export async function recordView(s: ToolScope, type: AssistantRecordType, id: string) {
  assertMayRead(s.actor, type);
  return VIEWS[type](s, id);
}
