import type { Db } from "../../platform/db";
import type { AuthContext } from "../../platform/env";
import type { ConditionGroup, EventEntity } from "../../../schema";
import { evaluateGroup, linksUsed } from "./conditions";
import { checkConditions } from "./definition-checks";
import { loadLinked, readRecord } from "./record-reader";

/**
 * The builder's "Test conditions": whether a record the caller can see
 * matches, with each condition's result and the value it read. There is no
 * change being made, so `previous.*` reads nothing and `changed` is false.
 */
export async function evaluateRule(db: Db, auth: AuthContext, input: { entity: EventEntity; recordId: string; conditions: ConditionGroup }) {
  checkConditions(input.entity, input.conditions);
  const record = await readRecord(db, auth, input.entity, input.recordId);
  const linked = await loadLinked(db, auth.orgId, input.entity, record, linksUsed(input.conditions));
  return evaluateGroup(input.conditions, { record, previous: null, linked });
}
