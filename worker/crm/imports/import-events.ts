import { and, eq, inArray, sql } from "drizzle-orm";
import { companies, contacts, leads } from "../../../schema";
import type { Db } from "../../platform/db";
import { changedFields, publishDomainEvents, type DomainEventInput } from "../../platform/domain-events";
import type { Env } from "../../platform/env";
import { publicRecord, type Actor } from "../../platform/records";
import type { StagedOp } from "./import-commit";

/** Ids read back per query: one JSON parameter, far below D1's limits. */
const READ_BACK = 500;

const TABLES = { companies, contacts, leads };
const ENTITY = { companies: "company", contacts: "contact", leads: "lead" } as const;
const RESOURCES = ["companies", "contacts", "leads"] as const;

/** The staged records of one table and kind, in their REST shape, read in slices. */
async function* readStaged(db: Db, orgId: string, staged: StagedOp[], t: (typeof RESOURCES)[number], op: StagedOp["op"]) {
  const ids = staged.filter((s) => s.t === t && s.op === op).map((s) => s.id);
  const table = TABLES[t] as typeof contacts;
  for (let i = 0; i < ids.length; i += READ_BACK) {
    const slice = ids.slice(i, i + READ_BACK);
    const rows = await db
      .select()
      .from(table)
      .where(and(eq(table.orgId, orgId), inArray(table.id, sql`(SELECT value FROM json_each(${JSON.stringify(slice)}))`)));
    yield rows.map((row) => publicRecord(row) as Record<string, unknown> & { id: string });
  }
}

/** The records an import is about to update, as they are before it: their events carry them as `previous`. */
export async function readUpdateTargets(db: Db, orgId: string, staged: StagedOp[]): Promise<Map<string, Record<string, unknown>>> {
  const before = new Map<string, Record<string, unknown>>();
  for (const t of RESOURCES) for await (const records of readStaged(db, orgId, staged, t, "update")) for (const r of records) before.set(r.id, r);
  return before;
}

/**
 * One `<entity>.created` event per record an import created (companies made
 * for its contacts included) and one `<entity>.updated` per record it
 * changed, each in its REST shape as read back after the commit, published
 * in the queue's batches. A row that left its record as it was (only its
 * update time moved) raises nothing.
 */
export async function publishImported(env: Pick<Env, "JOBS">, db: Db, orgId: string, actor: Actor, staged: StagedOp[], before: Map<string, Record<string, unknown>>) {
  for (const t of RESOURCES) {
    const entity = ENTITY[t];
    for (const op of ["create", "update"] as const) {
      for await (const records of readStaged(db, orgId, staged, t, op)) {
        const inputs: DomainEventInput[] = [];
        for (const record of records) {
          const previous = op === "update" ? before.get(record.id) : undefined;
          if (op === "update" && (!previous || changedFields(previous, record).every((k) => k === "updatedAt"))) continue;
          inputs.push({ orgId, type: `${entity}.${op === "create" ? "created" : "updated"}`, entity, entityId: record.id, record, previous, actor });
        }
        await publishDomainEvents(env, inputs);
      }
    }
  }
}
