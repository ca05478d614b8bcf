import { and, eq, gte, isNull, lte, or } from "drizzle-orm";
import type { Db } from "../platform/db";
import { invalid } from "../platform/errors";
import { memberships, supportTickets, users } from "../../schema";
import { localDateOf, localToInstant } from "../platform/local-time";
import { businessMinutesBetween, type BusinessCalendar } from "./sla/business-time";
import { getCalendar } from "./sla/sla";
import type { Ticket } from "./tickets/tickets";
import { visibleTickets, type TicketViewer } from "./tickets/ticket-visibility";

const DAY = 86_400_000;
const MAX_DAYS = 366;

/** The value below which `p` (0–1) of the sorted values fall, interpolating linearly (numpy's default). */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (sorted.length - 1) * p;
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 10) / 10);

/** Median and p90, in minutes, both in business time (the calendar's) and wall time. */
function durations(pairs: [number, number][], cal: BusinessCalendar) {
  const wall = pairs.map(([a, b]) => (b - a) / 60_000);
  const business = pairs.map(([a, b]) => businessMinutesBetween(a, b, cal));
  return {
    count: pairs.length,
    businessMinutes: { median: round(percentile(business, 0.5)), p90: round(percentile(business, 0.9)) },
    wallMinutes: { median: round(percentile(wall, 0.5)), p90: round(percentile(wall, 0.9)) },
  };
}

/** Share of SLA-covered tickets whose targets are decided (solved, or breached) that met them all. */
function compliance(tickets: Ticket[]) {
  const decided = tickets.filter((t) => t.slaPolicyId && (t.solvedAt !== null || t.firstResponseBreachedAt !== null || t.resolutionBreachedAt !== null));
  const met = decided.filter((t) => t.firstResponseBreachedAt === null && t.resolutionBreachedAt === null).length;
  return { decided: decided.length, met, percent: decided.length ? round((met / decided.length) * 100) : null };
}

function summary(created: Ticket[], solved: Ticket[], cal: BusinessCalendar) {
  return {
    created: created.length,
    solved: solved.length,
    firstResponse: durations(created.filter((t) => t.firstRespondedAt !== null).map((t) => [t.createdAt, t.firstRespondedAt!]), cal),
    resolution: durations(solved.map((t) => [t.createdAt, t.solvedAt!]), cal),
    sla: compliance(created),
  };
}

/**
 * Support analytics over [from, to] (epoch ms). Days are the calendar's local
 * days. Volume counts tickets created and solved per day; the backlog is
 * the number of unsolved tickets at the end of each day; first-response time
 * covers tickets created in the range, resolution time tickets solved in it;
 * SLA compliance covers tickets created in the range. Merged tickets count
 * only in their target. An agent restricted to their own records counts only
 * the tickets they can see (visibility.ts), as in their ticket list.
 */
export async function supportAnalytics(db: Db, orgId: string, viewer: TicketViewer, from: number, to: number) {
  if (to < from) throw invalid({ to: ["Must not be before from"] });
  if (to - from > MAX_DAYS * DAY) throw invalid({ to: [`The range is limited to ${MAX_DAYS} days`] });
  const cal = await getCalendar(db, orgId);
  const rows = await db
    .select()
    .from(supportTickets)
    .where(
      and(
        eq(supportTickets.orgId, orgId),
        isNull(supportTickets.mergedIntoId),
        lte(supportTickets.createdAt, to),
        or(isNull(supportTickets.solvedAt), gte(supportTickets.solvedAt, from)),
        visibleTickets(orgId, viewer),
      ),
    );
  const inRange = (t: number | null) => t !== null && t >= from && t <= to;
  const created = rows.filter((t) => inRange(t.createdAt));
  const solved = rows.filter((t) => inRange(t.solvedAt));

  const days: { date: string; created: number; solved: number; backlog: number }[] = [];
  for (let date = localDateOf(from, cal.timeZone); ; ) {
    const [y, m, d] = date.split("-").map(Number) as [number, number, number];
    const next = new Date(Date.UTC(y, m - 1, d + 1));
    const end = localToInstant(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, cal.timeZone);
    days.push({
      date,
      created: created.filter((t) => localDateOf(t.createdAt, cal.timeZone) === date).length,
      solved: solved.filter((t) => localDateOf(t.solvedAt!, cal.timeZone) === date).length,
      backlog: rows.filter((t) => t.createdAt < end && (t.solvedAt === null || t.solvedAt >= end)).length,
    });
    if (end > to) break;
    date = localDateOf(end, cal.timeZone);
  }

  const names = new Map(
    (
      await db
        .select({ id: users.id, name: users.name })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(eq(memberships.orgId, orgId))
    ).map((u) => [u.id, u.name]),
  );
  const agentIds = [...new Set([...created, ...solved].map((t) => t.assigneeId))];
  const perAgent = agentIds.map((id) => ({
    assigneeId: id,
    name: id ? (names.get(id) ?? null) : null,
    ...summary(created.filter((t) => t.assigneeId === id), solved.filter((t) => t.assigneeId === id), cal),
  }));
  const channels = [...new Set([...created, ...solved].map((t) => t.channel))].sort();
  const perChannel = channels.map((channel) => ({
    channel,
    ...summary(created.filter((t) => t.channel === channel), solved.filter((t) => t.channel === channel), cal),
  }));
  return { from, to, timeZone: cal.timeZone, totals: summary(created, solved, cal), days, perAgent, perChannel };
}
