import { env } from "cloudflare:workers";
import { drizzle } from "drizzle-orm/d1";
import { expect } from "vitest";
import * as schema from "../schema";
import { newId } from "../worker/platform/ids";
import { api, type Account } from "./helpers";

/** Direct database access, for rows no route of ours creates (deals belong to the room). */
export const testDb = () => drizzle(env.DB, { schema });

/** Restricts the organization so agents see only the records they own. */
export async function restrictToOwnRecords(owner: Account) {
  const res = await api("/api/organizations/current", {
    method: "PATCH",
    token: owner.token,
    body: { settings: { recordVisibility: "own" } },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** Creates a record through the API and returns it, failing the test on anything but 201. */
export async function create<T = any>(path: string, token: string, body: Record<string, unknown>): Promise<T> {
  const res = await api(path, { token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data as T;
}

/** The audit entries for one record, newest first, as `action` strings. */
export async function auditActions(token: string, entity: string, entityId: string): Promise<string[]> {
  const res = await api(`/api/audit-log?entity=${entity}&entityId=${entityId}`, { token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data.map((e: { action: string }) => e.action);
}

/** A deal row written straight into the projection table, as the room would. */
export async function insertDeal(
  orgId: string,
  fields: { pipelineId: string; stageId: string; title?: string } & Partial<typeof schema.deals.$inferInsert>,
) {
  const now = Date.now();
  const row: typeof schema.deals.$inferInsert = {
    id: newId(),
    orgId,
    title: "Test deal",
    position: "a0",
    createdAt: now,
    updatedAt: now,
    ...fields,
  };
  await testDb().insert(schema.deals).values(row);
  return row;
}

export const ids = (rows: { id: string }[]) => rows.map((r) => r.id);
