import { and, eq, gte, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../platform/db";
import { invalid } from "../platform/errors";
import { newId } from "../platform/ids";
import { hasTag } from "../platform/list";
import { activities, companies, contacts, deals, leads, ACTIVITY_TYPES, type Activity } from "../../schema";
import { auditStatementIf } from "../platform/audit-writer";
import { link, pageWithNames, personName } from "./records/record-links";
import { localDateOf, localToInstant, orgTimeZone } from "../platform/local-time";
import { creationColumns, insertRecord, updateRecord } from "./records/record-writes";
import {
  assertLink,
  assertOwner,
  baseConditions,
  cleanTags,
  publicRecord,
  requireVisible,
  sortBy,
  text,
  type Actor,
} from "../platform/records";

/**
 * Activities (notes, tasks, calls, emails, meetings) link to any of a deal,
 * contact, lead and company, or to none: an unlinked task is a personal to-do.
 */
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface ActivityInput {
  type?: ActivityType;
  subject?: string;
  body?: string | null;
  dueAt?: number | null;
  doneAt?: number | null;
  /** Convenience: true marks it done now (keeping an earlier doneAt), false reopens it. */
  done?: boolean;
  dealId?: string | null;
  contactId?: string | null;
  leadId?: string | null;
  companyId?: string | null;
  ownerId?: string;
  tags?: string[];
}

export const ACTIVITY_SORTS = ["dueAt", "createdAt"] as const;
export const DUE_FILTERS = ["overdue", "today", "upcoming"] as const;

export interface ActivityQuery {
  page: number;
  perPage: number;
  sort: (typeof ACTIVITY_SORTS)[number] | `-${(typeof ACTIVITY_SORTS)[number]}`;
  dealId?: string;
  contactId?: string;
  leadId?: string;
  companyId?: string;
  ownerId?: string;
  type?: ActivityType;
  tag?: string;
  done?: boolean;
  due?: (typeof DUE_FILTERS)[number];
}

const LINKS = [
  ["dealId", deals],
  ["contactId", contacts],
  ["leadId", leads],
  ["companyId", companies],
] as const;

async function activityValues(db: Db, orgId: string, actor: Actor, input: ActivityInput, before?: Activity) {
  if (input.done !== undefined && input.doneAt !== undefined) {
    throw invalid({ done: ["Send either done or doneAt, not both"] });
  }
  const values: Partial<Activity> = {};
  if (input.type !== undefined) values.type = input.type;
  if (input.subject !== undefined) values.subject = input.subject.trim();
  if (input.body !== undefined) values.body = text(input.body);
  if (input.dueAt !== undefined) values.dueAt = input.dueAt;
  if (input.doneAt !== undefined) values.doneAt = input.doneAt;
  if (input.done !== undefined) values.doneAt = input.done ? (before?.doneAt ?? Date.now()) : null;
  for (const [field, table] of LINKS) {
    if (input[field] === undefined) continue;
    await assertLink(db, table, orgId, actor, input[field], field);
    values[field] = input[field];
  }
  if (input.tags !== undefined) values.tags = cleanTags(input.tags);
  if (input.ownerId !== undefined) {
    await assertOwner(db, orgId, actor, input.ownerId, before?.ownerId);
    values.ownerId = input.ownerId;
  }
  return values;
}

/**
 * [start, end) of today in the organization's time zone (UTC when it has none),
 * in epoch ms: local midnight to local midnight, so a day with a DST change
 * is its real 23 or 25 hours long.
 */
export function todayBounds(now: number, timeZone: string): [number, number] {
  const [year, month, day] = localDateOf(now, timeZone).split("-").map(Number) as [number, number, number];
  const tomorrow = new Date(Date.UTC(year, month - 1, day + 1));
  return [
    localToInstant(year, month, day, 0, timeZone),
    localToInstant(tomorrow.getUTCFullYear(), tomorrow.getUTCMonth() + 1, tomorrow.getUTCDate(), 0, timeZone),
  ];
}

async function dueCondition(db: Db, orgId: string, due: ActivityQuery["due"]) {
  if (!due) return undefined;
  const now = Date.now();
  if (due === "overdue") return and(lt(activities.dueAt, now), isNull(activities.doneAt));
  const [start, end] = todayBounds(now, await orgTimeZone(db, orgId));
  if (due === "today") return and(gte(activities.dueAt, start), lt(activities.dueAt, end));
  return gte(activities.dueAt, end);
}

export async function listActivities(db: Db, orgId: string, actor: Actor, q: ActivityQuery) {
  const { rows, total } = await pageWithNames<Activity, "dealTitle" | "contactName" | "leadName" | "companyName">(
    db,
    actor,
    orgId,
    activities,
    {
      dealTitle: link(deals, activities.dealId, sql`${deals.title}`),
      contactName: link(contacts, activities.contactId, personName(contacts)),
      leadName: link(leads, activities.leadId, personName(leads)),
      companyName: link(companies, activities.companyId, sql`${companies.name}`),
    },
    [
      ...baseConditions(activities, orgId, actor),
      ...LINKS.map(([field]) => (q[field] ? eq(activities[field], q[field]) : undefined)),
      q.ownerId ? eq(activities.ownerId, q.ownerId) : undefined,
      q.type ? eq(activities.type, q.type) : undefined,
      q.tag ? hasTag(activities.tags, q.tag) : undefined,
      q.done === undefined ? undefined : q.done ? isNotNull(activities.doneAt) : isNull(activities.doneAt),
      await dueCondition(db, orgId, q.due),
    ],
    sortBy(q.sort, { dueAt: activities.dueAt, createdAt: activities.createdAt }, activities.id),
    q.page,
    q.perPage,
  );
  return { rows: rows.map(publicRecord), total };
}

export async function getActivity(db: Db, orgId: string, actor: Actor, id: string) {
  return publicRecord(await requireVisible<Activity>(db, activities, orgId, actor, id, "Activity"));
}

export async function createActivity(
  db: Db,
  orgId: string,
  actor: Actor,
  input: ActivityInput & { id?: string; type: ActivityType; subject: string },
) {
  const values = await activityValues(db, orgId, actor, input);
  const now = Date.now();
  const row: Activity = {
    id: input.id ?? newId(),
    orgId,
    type: values.type!,
    subject: values.subject!,
    body: values.body ?? null,
    dueAt: values.dueAt ?? null,
    doneAt: values.doneAt ?? null,
    dealId: values.dealId ?? null,
    contactId: values.contactId ?? null,
    leadId: values.leadId ?? null,
    companyId: values.companyId ?? null,
    ...creationColumns(actor, values, now),
  };
  return insertRecord(db, activities, orgId, actor, row, { entity: "activity", changes: { type: row.type, subject: row.subject } });
}

export async function updateActivity(db: Db, orgId: string, actor: Actor, id: string, input: ActivityInput) {
  const before = await requireVisible<Activity>(db, activities, orgId, actor, id, "Activity");
  return updateRecord(db, activities, orgId, actor, before, await activityValues(db, orgId, actor, input, before), "activity");
}

/** Deletes an activity; nothing points at one, so nothing stops it. */
export async function deleteActivity(db: Db, orgId: string, actor: Actor, id: string) {
  const activity = await requireVisible<Activity>(db, activities, orgId, actor, id, "Activity");
  await db.batch([
    db.delete(activities).where(and(eq(activities.orgId, orgId), eq(activities.id, id))),
    auditStatementIf(
      db,
      orgId,
      { actorId: actor.userId, action: "delete", entity: "activity", entityId: id, changes: { type: activity.type, subject: activity.subject }, requestId: actor.requestId },
      sql`changes() > 0`,
    ),
  ]);
}
