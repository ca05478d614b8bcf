import { and, eq, isNotNull, isNull, lte, gt, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../platform/db";
import { invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { supportCalendars, supportSlaPolicies, supportTickets, type SlaStateName, type SlaSummary, type TicketPriority, type EventOrigin } from "../../../schema";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import { isValidTimeZone } from "../../platform/local-time";
import { addBusinessMinutes, businessMinutesBetween, DEFAULT_CALENDAR, type BusinessCalendar } from "./business-time";

/** A ticket whose next SLA target is this close (wall time) is "breaching soon". */
export const BREACHING_SOON_MS = 60 * 60_000;

export interface SupportActor {
  /** Null when the system acts (inbound mail, the breach scan). */
  userId: string | null;
  requestId?: string;
  /** Set when a workflow acts: the ticket's events carry it. */
  origin?: EventOrigin;
}

type Ticket = typeof supportTickets.$inferSelect;

export async function getCalendar(db: Db, orgId: string): Promise<BusinessCalendar> {
  const row = await db.select().from(supportCalendars).where(eq(supportCalendars.orgId, orgId)).get();
  if (!row) return DEFAULT_CALENDAR;
  const { timeZone, workingDays, startMinute, endMinute, holidays } = row;
  return { timeZone, workingDays, startMinute, endMinute, holidays };
}

export async function saveCalendar(db: Db, orgId: string, actor: SupportActor, input: BusinessCalendar) {
  if (!isValidTimeZone(input.timeZone)) throw invalid({ timeZone: ["Not an IANA time zone"] });
  if (input.endMinute <= input.startMinute) throw invalid({ endMinute: ["Must be after startMinute"] });
  const cal: BusinessCalendar = {
    timeZone: input.timeZone,
    workingDays: [...new Set(input.workingDays)].sort(),
    startMinute: input.startMinute,
    endMinute: input.endMinute,
    holidays: [...new Set(input.holidays)].sort(),
  };
  const now = Date.now();
  await db.batch([
    db.insert(supportCalendars).values({ orgId, ...cal, updatedAt: now }).onConflictDoUpdate({ target: supportCalendars.orgId, set: { ...cal, updatedAt: now } }),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "support_calendar", entityId: orgId, changes: { ...cal }, requestId: actor.requestId }),
  ]);
  return cal;
}

export const listSlaPolicies = (db: Db, orgId: string) =>
  db.select().from(supportSlaPolicies).where(eq(supportSlaPolicies.orgId, orgId)).orderBy(supportSlaPolicies.priority).all();

export interface SlaPolicyInput {
  priority: TicketPriority;
  name?: string;
  firstResponseMinutes: number;
  resolutionMinutes: number;
}

/** Creates or replaces the policy of one priority (one policy per priority). */
export async function putSlaPolicy(db: Db, orgId: string, actor: SupportActor, input: SlaPolicyInput) {
  if (input.resolutionMinutes < input.firstResponseMinutes) {
    throw invalid({ resolutionMinutes: ["Must be at least firstResponseMinutes"] });
  }
  const now = Date.now();
  const values = {
    name: input.name?.trim() || `${input.priority[0]!.toUpperCase()}${input.priority.slice(1)} priority`,
    firstResponseMinutes: input.firstResponseMinutes,
    resolutionMinutes: input.resolutionMinutes,
    updatedAt: now,
  };
  const id = newId();
  const [[row]] = await db.batch([
    db
      .insert(supportSlaPolicies)
      .values({ id, orgId, priority: input.priority, ...values, createdAt: now })
      .onConflictDoUpdate({ target: [supportSlaPolicies.orgId, supportSlaPolicies.priority], set: values })
      .returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "sla_policy", entityId: input.priority, changes: { ...input }, requestId: actor.requestId }),
  ]);
  return row!;
}

export async function deleteSlaPolicy(db: Db, orgId: string, actor: SupportActor, id: string) {
  const [gone] = await db.batch([
    db.delete(supportSlaPolicies).where(and(eq(supportSlaPolicies.orgId, orgId), eq(supportSlaPolicies.id, id))).returning({ id: supportSlaPolicies.id }),
    auditStatementIf(db, orgId, { actorId: actor.userId, action: "delete", entity: "sla_policy", entityId: id, requestId: actor.requestId }, sql`changes() > 0`),
  ]);
  if (gone.length === 0) throw notFound("SLA policy");
}

/** Due times for a ticket of this priority opened at `openedAt`; all null when no policy covers the priority. */
export async function slaTargets(db: Db, orgId: string, priority: TicketPriority, openedAt: number) {
  const policy = await db
    .select()
    .from(supportSlaPolicies)
    .where(and(eq(supportSlaPolicies.orgId, orgId), eq(supportSlaPolicies.priority, priority)))
    .get();
  if (!policy) return { slaPolicyId: null, firstResponseDueAt: null, resolutionDueAt: null };
  const cal = await getCalendar(db, orgId);
  return {
    slaPolicyId: policy.id,
    firstResponseDueAt: addBusinessMinutes(openedAt, policy.firstResponseMinutes, cal),
    resolutionDueAt: addBusinessMinutes(openedAt, policy.resolutionMinutes, cal),
  };
}

type SlaFields = Pick<
  Ticket,
  "status" | "firstResponseDueAt" | "resolutionDueAt" | "firstRespondedAt" | "firstResponseBreachedAt" | "resolutionBreachedAt" | "slaPausedAt"
>;

const isOpen = (status: Ticket["status"]) => status !== "solved" && status !== "closed";

/** The earliest target still running: not met and not yet flagged as breached. Null when none. */
export function nextSlaDue(t: SlaFields): number | null {
  if (!isOpen(t.status)) return null;
  const due: number[] = [];
  if (t.firstResponseDueAt !== null && t.firstRespondedAt === null && t.firstResponseBreachedAt === null) due.push(t.firstResponseDueAt);
  if (t.resolutionDueAt !== null && t.resolutionBreachedAt === null && t.slaPausedAt === null) due.push(t.resolutionDueAt);
  return due.length ? Math.min(...due) : null;
}

export function slaOf(t: SlaFields & Pick<Ticket, "slaPolicyId" | "slaDueAt">, now: number): SlaSummary {
  const breached = t.firstResponseBreachedAt !== null || t.resolutionBreachedAt !== null || (t.slaDueAt !== null && t.slaDueAt <= now);
  const state: SlaStateName = breached
    ? "breached"
    : t.slaDueAt !== null && t.slaDueAt - now <= BREACHING_SOON_MS
      ? "breaching_soon"
      : "ok";
  return {
    state,
    policyId: t.slaPolicyId,
    firstResponseDueAt: t.firstResponseDueAt,
    resolutionDueAt: t.resolutionDueAt,
    nextDueAt: t.slaDueAt,
    paused: t.slaPausedAt !== null,
    remainingMs: t.slaDueAt === null ? null : t.slaDueAt - now,
    firstResponseBreachedAt: t.firstResponseBreachedAt,
    resolutionBreachedAt: t.resolutionBreachedAt,
  };
}

/** The list filter `sla=` as SQL, matching `slaOf` exactly. */
export function slaCondition(state: SlaStateName, now: number): SQL {
  const breached = or(
    isNotNull(supportTickets.firstResponseBreachedAt),
    isNotNull(supportTickets.resolutionBreachedAt),
    lte(supportTickets.slaDueAt, now),
  )!;
  if (state === "breached") return breached;
  const notBreached = and(isNull(supportTickets.firstResponseBreachedAt), isNull(supportTickets.resolutionBreachedAt))!;
  if (state === "breaching_soon") {
    return and(notBreached, gt(supportTickets.slaDueAt, now), lte(supportTickets.slaDueAt, now + BREACHING_SOON_MS))!;
  }
  return and(notBreached, or(isNull(supportTickets.slaDueAt), gt(supportTickets.slaDueAt, now + BREACHING_SOON_MS)))!;
}


/** Statuses in which the resolution clock stops (waiting on the requester or a third party). */
const PAUSED_STATUSES: readonly Ticket["status"][] = ["pending", "on_hold"];

/**
 * The pause bookkeeping of a status change: entering pending / on hold stops
 * the resolution clock; leaving it for an open status restarts it with the
 * business time that was left, so waiting on the customer never counts.
 */
export async function pauseChanges(db: Db, orgId: string, before: Ticket, status: Ticket["status"], now: number): Promise<Partial<Ticket>> {
  const pausing = PAUSED_STATUSES.includes(status);
  if (pausing && before.slaPausedAt === null) {
    return before.resolutionDueAt !== null && before.resolutionBreachedAt === null ? { slaPausedAt: now } : {};
  }
  if (pausing || before.slaPausedAt === null) return {};
  if (!isOpen(status) || before.resolutionDueAt === null) return { slaPausedAt: null };
  const cal = await getCalendar(db, orgId);
  const left = before.resolutionDueAt > before.slaPausedAt ? businessMinutesBetween(before.slaPausedAt, before.resolutionDueAt, cal) : 0;
  return { slaPausedAt: null, resolutionDueAt: addBusinessMinutes(now, left, cal) };
}
