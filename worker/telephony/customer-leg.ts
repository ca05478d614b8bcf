import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../platform/db";
import { callActivities } from "../../schema";

/**
 * The customer's leg of an outbound Twilio call: the callee leg whose answer
 * the record took (its CallSid is on that timeline row as `legSid`). The
 * record itself is keyed on the agent's (parent) call.
 */
export async function customerLegOf(db: Db, orgId: string, callId: string): Promise<string | null> {
  const row = await db
    .select({ data: callActivities.data })
    .from(callActivities)
    .where(and(eq(callActivities.orgId, orgId), eq(callActivities.callId, callId), eq(callActivities.type, "answered"), sql`json_extract(${callActivities.data}, '$.leg') = 'callee'`))
    .orderBy(desc(callActivities.at))
    .get();
  const sid = (row?.data as { legSid?: unknown } | undefined)?.legSid;
  return typeof sid === "string" && sid ? sid : null;
}
