import { and, eq, inArray, sql } from "drizzle-orm";
import { companies, contacts, leads } from "../../../schema";
import type { Db } from "../../platform/db";
import { publishDomainEvents, type DomainEventInput } from "../../platform/domain-events";
import type { Env } from "../../platform/env";
import { publicRecord, type Actor } from "../../platform/records";
import type { StagedOp } from "./import-commit";

/** Ids read back per query: one JSON parameter, far below D1's limits. */
const READ_BACK = 500;

const TABLES = { companies, contacts, leads };

/**
 * One `<entity>.created` event per record an import created (companies made
 * for its contacts included), each in its REST shape as read back after the
 * commit, published in the queue's batches.
 */
export async function publishImported(env: Pick<Env, "JOBS">, db: Db, orgId: string, actor: Actor, staged: StagedOp[]) {
  for (const t of ["companies", "contacts", "leads"] as const) {
    const ids = staged.filter((op) => op.t === t && op.op === "create").map((op) => op.id);
    const entity = ({ companies: "company", contacts: "contact", leads: "lead" } as const)[t];
    const table = TABLES[t] as typeof contacts;
    for (let i = 0; i < ids.length; i += READ_BACK) {
      const slice = ids.slice(i, i + READ_BACK);
      const rows = await db
        .select()
        .from(table)
        .where(and(eq(table.orgId, orgId), inArray(table.id, sql`(SELECT value FROM json_each(${JSON.stringify(slice)}))`)));
      const inputs: DomainEventInput[] = rows.map((row) => ({
        orgId,
        type: `${entity}.created`,
        entity,
        entityId: row.id,
        record: publicRecord(row),
        actor,
      }));
      await publishDomainEvents(env, inputs);
    }
  }
}
