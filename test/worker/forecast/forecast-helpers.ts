import { eq } from "drizzle-orm";
import { expect } from "vitest";
import { deals } from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { localDateOf } from "../../../worker/platform/local-time";
import { periodBounds, periodOf, shiftPeriod } from "../../../worker/forecast/forecast-periods";
import { api, registerAccount, type Account } from "../../helpers";
import { defaultPipeline, type PipelineFixture } from "../../pipeline-fixture";
import { testDb } from "../../record-helpers";

export interface ForecastOrg {
  owner: Account;
  pipeline: PipelineFixture;
  /** Stage ids by name: Lead 10, Qualified 25, Proposal 50, Negotiation 75, Closed won 100, Closed lost 0. */
  stage: Record<string, string>;
}

export async function forecastOrg(label: string, timeZone = "UTC"): Promise<ForecastOrg> {
  const owner = await registerAccount(label);
  const res = await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { timeZone } } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const pipeline = await defaultPipeline(owner.orgId);
  return { owner, pipeline, stage: Object.fromEntries(pipeline.stages.map((s) => [s.name, s.id])) };
}

/** Months around today in the zone: "-1" is last month, "0" this one, "1" next. */
export function monthsAround(timeZone: string, now = Date.now()) {
  const current = periodOf(localDateOf(now, timeZone), "month");
  const month = (offset: number) => periodBounds(shiftPeriod(current, offset))!;
  const day = (offset: number, d: number) => `${month(offset).key}-${String(d).padStart(2, "0")}`;
  return { month, day };
}

export interface DealSeed {
  ownerId: string | null;
  stageId: string;
  amount: number;
  currency?: string;
  status?: "open" | "won" | "lost";
  closeDate?: string | null;
  /** The deal's updated_at, which the history trigger records as the change's time. */
  at?: number;
  title?: string;
}

/**
 * Writes a deal straight to the projection, as the room's outbox would: the
 * D1 triggers keep its stage history. The forecast reads only D1.
 */
export async function seedDeal(org: ForecastOrg, d: DealSeed): Promise<string> {
  const id = newId();
  const at = d.at ?? Date.now();
  await testDb()
    .insert(deals)
    .values({
      id, orgId: org.owner.orgId, title: d.title ?? `Deal ${id.slice(-6)}`, amount: d.amount, currency: d.currency ?? "USD",
      pipelineId: org.pipeline.id, stageId: d.stageId, position: "a0", ownerId: d.ownerId, closeDate: d.closeDate ?? null,
      status: d.status ?? "open", tags: [], createdAt: at, updatedAt: at,
    });
  return id;
}

/** Moves a deal on (a stage, a status, or both), as a later projection write would. */
export async function moveSeeded(id: string, change: { stageId?: string; status?: "open" | "won" | "lost" }, at = Date.now()) {
  await testDb().update(deals).set({ ...change, updatedAt: at }).where(eq(deals.id, id));
}
