import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import { actorOf } from "../../platform/records";
import { companyService, contactService, getDeal, leadService } from "../../crm";
import { requireVisibleTicket } from "../../support";
import { requireCall } from "../../telephony";
import { getInvoice } from "../../financial";
import { companies, contacts, deals, leads, memberships, users, type EventEntity } from "../../../schema";
import { ENTITY_SPECS } from "./entity-catalog";

/**
 * Reads the record a run is about, fresh, through its own feature's service
 * with the workflow owner's authority: a record the owner can no longer see
 * is "not found" here exactly as in REST, and fails the step.
 */

type RestRecord = Record<string, unknown>;

const withoutOrg = <T extends { orgId?: unknown }>(row: T): RestRecord => {
  const { orgId: _org, ...rest } = row;
  return rest;
};

export async function readRecord(db: Db, auth: AuthContext, entity: EventEntity, id: string): Promise<RestRecord> {
  const actor = actorOf(auth);
  switch (entity) {
    case "deal":
      return (await getDeal(db, auth, id)) as unknown as RestRecord;
    case "contact":
      return (await contactService.get(db, auth.orgId, actor, id)) as RestRecord;
    case "company":
      return (await companyService.get(db, auth.orgId, actor, id)) as RestRecord;
    case "lead":
      return (await leadService.get(db, auth.orgId, actor, id)) as RestRecord;
    case "ticket":
      return withoutOrg(await requireVisibleTicket(db, auth.orgId, auth, id));
    case "call":
      return withoutOrg(await requireCall(db, auth.orgId, actor, id));
    case "invoice":
      return (await getInvoice(db, auth, id)) as unknown as RestRecord;
  }
}

const LINK_TABLES = { company: companies, contact: contacts, deal: deals, lead: leads } as const;

/**
 * The linked records conditions read (`company.industry`, `owner.email`), by
 * the ids on the record. Only the links a definition names are loaded.
 */
export async function loadLinked(db: Db, orgId: string, entity: EventEntity, record: RestRecord | null, wanted: Set<string>) {
  const linked: Record<string, RestRecord | null> = {};
  if (!record) return linked;
  for (const link of ENTITY_SPECS[entity].links) {
    if (!wanted.has(link.name)) continue;
    const id = record[link.via];
    if (typeof id !== "string" || !id) {
      linked[link.name] = null;
      continue;
    }
    if (link.entity === "member") {
      const member = await db
        .select({ id: users.id, name: users.name, email: users.email, role: memberships.role })
        .from(memberships)
        .innerJoin(users, eq(users.id, memberships.userId))
        .where(and(eq(memberships.orgId, orgId), eq(memberships.userId, id)))
        .get();
      linked[link.name] = member ?? null;
      continue;
    }
    const table = LINK_TABLES[link.entity as keyof typeof LINK_TABLES];
    const row = await db.select().from(table).where(and(eq(table.orgId, orgId), inArray(table.id, [id]))).get();
    linked[link.name] = row ? withoutOrg(row) : null;
  }
  return linked;
}
