import { z } from "@hono/zod-openapi";
import { and, eq, inArray, notInArray, sql, type SQL } from "drizzle-orm";
import type { SQLiteColumn, SQLiteTable } from "drizzle-orm/sqlite-core";
import { companyService, contactService, DealPatchSchema, getDeal, leadService, recordInputFields, updateDeal } from "../../../crm";
import { changeTicket, publicTicket, requireVisibleTicket, TicketPatchSchema } from "../../../support";
import { CallWrapUpSchema, getCall, wrapUpCall } from "../../../telephony";
import { invoiceDetail, orgToday, publishInvoiceChanged, requireInvoice, updateInvoice, UpdateInvoiceSchema } from "../../../financial";
import { orgDb } from "../../../platform/db";
import { AppError, forbidden, invalid } from "../../../platform/errors";
import { can, type Permission } from "../../../platform/permissions";
import { actorOf } from "../../../platform/records";
import { companies, contacts, deals, invoices, leads, OPEN_TICKET_STATUSES, supportTickets, type EventEntity } from "../../../../schema";
import type { ActionContext } from "./action-registry";

/**
 * The records actions change, each through its own feature's service with
 * the workflow owner's authority, exactly as its REST API would: the same
 * body validation, the same row-level access, the same audit rows and
 * domain events (which carry `actor.origin`).
 */
export type ActionRecord = Record<string, unknown> & { id: string };

interface RecordAccess {
  /** Who the record belongs to: tickets are assigned, the others owned; a call's agent is who took it, not an owner to assign. */
  ownerField: "ownerId" | "assigneeId" | null;
  /** What REST requires to change the record. */
  writePermission: Permission;
  /** The PATCH body as REST validates it. */
  patchSchema: z.ZodType<Record<string, unknown>>;
  read(ctx: ActionContext, id: string): Promise<ActionRecord>;
  update(ctx: ActionContext, id: string, patch: Record<string, unknown>): Promise<ActionRecord>;
  /** How many open records of this kind each of these members holds (least loaded assignment). */
  openLoad(ctx: ActionContext, userIds: string[]): Promise<Map<string, number>>;
}

const actorFor = (ctx: ActionContext) => actorOf(ctx.actor, ctx.requestId);
const db = (ctx: ActionContext) => orgDb(ctx.env, ctx.orgId);
const recordPatch = (fields: z.ZodRawShape) => z.object({ ...fields, ...recordInputFields }).partial().strict() as unknown as z.ZodType<Record<string, unknown>>;

type CrmService = typeof contactService | typeof companyService | typeof leadService;

function crmRecord(service: CrmService, table: typeof contacts | typeof companies | typeof leads, open?: SQL): RecordAccess {
  return {
    ownerField: "ownerId",
    writePermission: "records:write",
    patchSchema: recordPatch(service.spec.fields),
    read: async (ctx, id) => (await service.get(db(ctx), ctx.orgId, actorFor(ctx), id)) as ActionRecord,
    update: async (ctx, id, patch) => (await service.update(ctx.env, ctx.orgId, actorFor(ctx), id, patch as never)) as ActionRecord,
    openLoad: (ctx, userIds) => countByOwner(ctx, table, table.ownerId, userIds, open),
  };
}

async function countByOwner(
  ctx: ActionContext,
  table: SQLiteTable & { orgId: SQLiteColumn },
  ownerColumn: SQLiteColumn,
  userIds: string[],
  open?: SQL,
) {
  const rows = await db(ctx)
    .select({ userId: ownerColumn, count: sql<number>`count(*)` })
    .from(table)
    .where(and(eq(table.orgId, ctx.orgId), inArray(ownerColumn, userIds), open))
    .groupBy(ownerColumn);
  return new Map(rows.map((r) => [r.userId as string, Number(r.count)]));
}

const RECORDS: Partial<Record<EventEntity, RecordAccess>> = {
  deal: {
    ownerField: "ownerId",
    writePermission: "records:write",
    patchSchema: DealPatchSchema as unknown as z.ZodType<Record<string, unknown>>,
    read: async (ctx, id) => (await getDeal(db(ctx), ctx.actor, id)) as unknown as ActionRecord,
    update: async (ctx, id, patch) => (await updateDeal(ctx.env, ctx.actor, id, patch, ctx.requestId)) as unknown as ActionRecord,
    openLoad: (ctx, userIds) => countByOwner(ctx, deals, deals.ownerId, userIds, eq(deals.status, "open")),
  },
  lead: crmRecord(leadService, leads, notInArray(leads.status, ["converted", "unqualified"])),
  contact: crmRecord(contactService, contacts),
  company: crmRecord(companyService, companies),
  ticket: {
    ownerField: "assigneeId",
    writePermission: "tickets:write",
    patchSchema: TicketPatchSchema as unknown as z.ZodType<Record<string, unknown>>,
    read: async (ctx, id) => publicTicket(await requireVisibleTicket(db(ctx), ctx.orgId, ctx.actor, id)) as unknown as ActionRecord,
    update: async (ctx, id, patch) => {
      await requireVisibleTicket(db(ctx), ctx.orgId, ctx.actor, id);
      return publicTicket(await changeTicket(ctx.env, ctx.orgId, actorFor(ctx), id, patch)) as unknown as ActionRecord;
    },
    openLoad: (ctx, userIds) =>
      countByOwner(ctx, supportTickets, supportTickets.assigneeId, userIds, inArray(supportTickets.status, [...OPEN_TICKET_STATUSES])),
  },
  /** A call's wrap-up (notes, disposition) is all a workflow may set on it; it has no owner to assign. */
  call: {
    ownerField: null,
    writePermission: "telephony:work",
    patchSchema: CallWrapUpSchema as unknown as z.ZodType<Record<string, unknown>>,
    read: async (ctx, id) => (await getCall(db(ctx), ctx.orgId, actorFor(ctx), id)) as unknown as ActionRecord,
    update: async (ctx, id, patch) => (await wrapUpCall(ctx.env, db(ctx), ctx.orgId, actorFor(ctx), id, patch)) as unknown as ActionRecord,
    openLoad: async () => new Map(),
  },
  /** Only drafts change: the invoice service answers 409 for a finalized document. */
  invoice: {
    ownerField: "ownerId",
    writePermission: "billing:manage",
    patchSchema: UpdateInvoiceSchema as unknown as z.ZodType<Record<string, unknown>>,
    read: async (ctx, id) => {
      const row = await requireInvoice(db(ctx), ctx.actor, id);
      return (await invoiceDetail(db(ctx), row, await orgToday(db(ctx), ctx.orgId))) as unknown as ActionRecord;
    },
    update: async (ctx, id, patch) => {
      const row = await updateInvoice(db(ctx), actorFor(ctx), id, patch);
      await publishInvoiceChanged(ctx.env, db(ctx), row, "updated", ctx.actor.userId);
      return (await invoiceDetail(db(ctx), row, await orgToday(db(ctx), ctx.orgId))) as unknown as ActionRecord;
    },
    openLoad: (ctx, userIds) => countByOwner(ctx, invoices, invoices.ownerId, userIds, inArray(invoices.status, ["draft", "open"])),
  },
};

/** The triggering record's kind and id; schedules have none. */
export function targetOf(ctx: ActionContext): { entity: EventEntity; id: string } {
  if (!ctx.event.entityId || ctx.event.type.endsWith(".deleted")) {
    throw new AppError("validation_error", "This action needs a record, and the run has none (a schedule, or a deleted record)");
  }
  return { entity: ctx.event.entity, id: ctx.event.entityId };
}

/** The record kind's access, refusing kinds the action cannot change and owners whose role may not change them. */
export function recordAccess(ctx: ActionContext, entity: EventEntity, what: string): RecordAccess {
  const access = RECORDS[entity];
  if (!access) throw new AppError("validation_error", `Workflows cannot ${what} on a ${entity}`);
  if (!can(ctx.actor.role, access.writePermission)) {
    throw forbidden(`The workflow's owner (${ctx.actor.role}) may not change ${entity}s`);
  }
  return access;
}

/** Validates a patch as the record's PATCH endpoint does; a bad value is the step's clear 422, nothing written. */
export function validPatch(access: RecordAccess, patch: Record<string, unknown>): Record<string, unknown> {
  const parsed = access.patchSchema.safeParse(patch);
  if (parsed.success) return parsed.data;
  const details: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (details[issue.path.join(".") || "fields"] ??= []).push(issue.message);
  throw invalid(details, "The fields do not pass the record's validation");
}

/** The triggering record as the owner may see it now. */
export async function readTarget(ctx: ActionContext) {
  const target = targetOf(ctx);
  const access = RECORDS[target.entity];
  if (!access) throw new AppError("validation_error", `Workflows cannot read a ${target.entity} here`);
  return { ...target, record: await access.read(ctx, target.id) };
}

/**
 * The record to send out as its owner may see it: re-read through its service
 * where actions can read that kind, else as the run has it; none for
 * schedules and deleted records.
 */
export async function visibleRecord(ctx: ActionContext): Promise<Record<string, unknown> | null> {
  if (!ctx.event.entityId || ctx.event.type.endsWith(".deleted")) return null;
  if (!RECORDS[ctx.event.entity]) return ctx.record ?? ctx.event.record;
  return (await readTarget(ctx)).record;
}

/** The app page of a record, for notification links. */
export function recordPath(entity: EventEntity, id: string): string {
  const base: Record<EventEntity, string> = {
    deal: "/deals",
    lead: "/leads",
    contact: "/contacts",
    company: "/companies",
    ticket: "/support/tickets",
    call: "/calls",
    invoice: "/finance/invoices",
  };
  return `${base[entity]}/${encodeURIComponent(id)}`;
}

/**
 * A UUID fixed by the run and the step, for what a step creates: when
 * Workflows retries a step that died after its write, the second attempt
 * finds the row instead of writing a twin.
 */
export async function stepRecordId(ctx: ActionContext): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${ctx.run.id}:${ctx.stepKey}`)));
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
