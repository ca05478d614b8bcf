import { and, asc, eq, gte, inArray, lt, lte, sql, type SQL } from "drizzle-orm";
import type { DealRecord } from "../../../schema/board-document";
import type { DealResult } from "../../../schema/board-document";
import { activities, companies, contacts, deals, memberships, pipelines, stages } from "../../../schema";
import type { AuthContext, Env } from "../../platform/env";
import { canSeeRecord, visibleTo } from "../../platform/access";
import { orgDb, type Db } from "../../platform/db";
import { AppError, conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { matchesAny } from "../../platform/like";
import { hasTag, orderFor } from "../../platform/list";
import { auditStatement } from "../../platform/audit-writer";
import { destroyDealRoom, orgRoom } from "../../platform/room-rpc";
import { link, pageWithNames, personName } from "../records/record-links";
import { assertMayAssign, sortBy } from "../../platform/records";
import { scoreColumns } from "../record-scores";

export type DealRow = typeof deals.$inferSelect;

/** The board's card: the score is the scoring feature's, outside the board document (see `withScores`). */
export function toRecord(row: DealRow): DealRecord {
  const { orgId: _org, version: _v, score: _score, ...rest } = row;
  return rest;
}

/** Deals as lists and the detail answer them: the card plus its score, the factors and the model that scored it. */
export async function withScores<D extends DealRecord>(db: Db, orgId: string, rows: (D & { score?: number | null })[]) {
  const extra = await scoreColumns(db, orgId, "deal", rows.map((r) => r.id));
  const stored = rows.some((r) => r.score === undefined)
    ? new Map((await db.select({ id: deals.id, score: deals.score }).from(deals).where(and(eq(deals.orgId, orgId), inArray(deals.id, rows.map((r) => r.id))))).map((r) => [r.id, r.score]))
    : null;
  return rows.map((r) => ({ ...r, score: r.score ?? stored?.get(r.id) ?? null, ...extra.get(r.id)! }));
}

export interface DealQuery {
  page: number;
  perPage: number;
  sort: "title" | "-title" | "amount" | "-amount" | "closeDate" | "-closeDate" | "createdAt" | "-createdAt" | "updatedAt" | "-updatedAt" | "score" | "-score";
  pipelineId?: string;
  stageId?: string;
  status?: DealRow["status"];
  ownerId?: string;
  contactId?: string;
  companyId?: string;
  tag?: string;
  q?: string;
  /** Close dates ("YYYY-MM-DD") from `closeFrom` inclusive to `closeTo` exclusive. */
  closeFrom?: string;
  closeTo?: string;
  /** Scores from `minScore` to `maxScore`, both inclusive; unscored deals match neither. */
  minScore?: number;
  maxScore?: number;
}

export async function listDeals(db: Db, auth: AuthContext, q: DealQuery) {
  const conditions: (SQL | undefined)[] = [eq(deals.orgId, auth.orgId), visibleTo(auth, deals.ownerId)];
  if (q.pipelineId) conditions.push(eq(deals.pipelineId, q.pipelineId));
  if (q.stageId) conditions.push(eq(deals.stageId, q.stageId));
  if (q.status) conditions.push(eq(deals.status, q.status));
  if (q.ownerId) conditions.push(eq(deals.ownerId, q.ownerId));
  if (q.contactId) conditions.push(eq(deals.contactId, q.contactId));
  if (q.companyId) conditions.push(eq(deals.companyId, q.companyId));
  if (q.tag) conditions.push(hasTag(deals.tags, q.tag));
  if (q.q) conditions.push(matchesAny(q.q, [deals.title]));
  if (q.closeFrom) conditions.push(gte(deals.closeDate, q.closeFrom));
  if (q.closeTo) conditions.push(lt(deals.closeDate, q.closeTo));
  if (q.minScore !== undefined) conditions.push(gte(deals.score, q.minScore));
  if (q.maxScore !== undefined) conditions.push(lte(deals.score, q.maxScore));
  const order = q.sort === "score" || q.sort === "-score"
    ? sortBy(q.sort, { score: deals.score }, deals.id)
    : orderFor(q.sort, { title: deals.title, amount: deals.amount, closeDate: deals.closeDate, createdAt: deals.createdAt, updatedAt: deals.updatedAt }, deals.id);
  const page = await pageWithNames<DealRow, "contactName" | "companyName">(
    db,
    auth,
    auth.orgId,
    deals,
    { contactName: link(contacts, deals.contactId, personName(contacts)), companyName: link(companies, deals.companyId, sql`${companies.name}`) },
    conditions,
    order,
    q.page,
    q.perPage,
  );
  const rows = page.rows.map((r) => ({ ...toRecord(r), score: r.score, contactName: r.contactName, companyName: r.companyName }));
  return { rows: await withScores(db, auth.orgId, rows), total: page.total };
}

export async function getDeal(db: Db, auth: AuthContext, id: string): Promise<DealRecord> {
  const row = await db.select().from(deals).where(and(eq(deals.orgId, auth.orgId), eq(deals.id, id))).get();
  if (!row || !canSeeRecord(auth, row.ownerId)) throw notFound("Deal");
  return toRecord(row);
}

export interface DealInput {
  id?: string;
  title?: string;
  amount?: number;
  currency?: string;
  pipelineId?: string;
  stageId?: string;
  position?: string;
  contactId?: string | null;
  companyId?: string | null;
  leadId?: string | null;
  ownerId?: string | null;
  closeDate?: string | null;
  status?: DealRow["status"];
  lostReason?: string | null;
  tags?: string[];
}

/** Links must point into the caller's organization; a stage must belong to the deal's pipeline. */
async function checkLinks(db: Db, orgId: string, d: DealRecord) {
  const [contact, company, owner, stage] = await Promise.all([
    d.contactId ? db.select({ id: contacts.id }).from(contacts).where(and(eq(contacts.orgId, orgId), eq(contacts.id, d.contactId))).get() : true,
    d.companyId ? db.select({ id: companies.id }).from(companies).where(and(eq(companies.orgId, orgId), eq(companies.id, d.companyId))).get() : true,
    d.ownerId ? db.select({ id: memberships.userId }).from(memberships).where(and(eq(memberships.orgId, orgId), eq(memberships.userId, d.ownerId))).get() : true,
    db.select({ pipelineId: stages.pipelineId }).from(stages).where(and(eq(stages.orgId, orgId), eq(stages.id, d.stageId))).get(),
  ]);
  const problems: Record<string, string[]> = {};
  if (!contact) problems.contactId = ["No such contact in this organization"];
  if (!company) problems.companyId = ["No such company in this organization"];
  if (!owner) problems.ownerId = ["Not a member of this organization"];
  if (!stage) problems.stageId = ["No such stage in this organization"];
  else if (stage.pipelineId !== d.pipelineId) problems.stageId = ["The stage belongs to another pipeline"];
  if (Object.keys(problems).length) throw invalid(problems);
}

async function defaultPlacement(db: Db, orgId: string, pipelineId?: string) {
  const pipeline = await db
    .select({ id: pipelines.id })
    .from(pipelines)
    .where(and(eq(pipelines.orgId, orgId), pipelineId ? eq(pipelines.id, pipelineId) : eq(pipelines.isDefault, true)))
    .get();
  if (!pipeline) throw invalid({ pipelineId: [pipelineId ? "No such pipeline" : "The organization has no default pipeline"] });
  const first = await db
    .select({ id: stages.id })
    .from(stages)
    .where(and(eq(stages.orgId, orgId), eq(stages.pipelineId, pipeline.id)))
    .orderBy(asc(stages.position))
    .get();
  if (!first) throw invalid({ pipelineId: ["The pipeline has no stages"] });
  return { pipelineId: pipeline.id, stageId: first.id };
}

function unwrap(result: DealResult): DealRecord {
  if (result.type === "ok") return result.deal;
  if (result.type === "not_found") throw notFound("Deal");
  throw new AppError("validation_error", result.message);
}

export async function createDeal(env: Env, auth: AuthContext, input: DealInput & { title: string }, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  assertMayAssign(auth, input.ownerId);
  const id = input.id ?? newId();
  if (input.id && (await db.select({ id: deals.id }).from(deals).where(eq(deals.id, id)).get())) {
    throw conflict("A deal with this id already exists");
  }
  const placement = input.stageId && input.pipelineId ? { pipelineId: input.pipelineId, stageId: input.stageId }
    : input.stageId ? { pipelineId: (await db.select({ p: stages.pipelineId }).from(stages).where(and(eq(stages.orgId, auth.orgId), eq(stages.id, input.stageId))).get())?.p ?? "", stageId: input.stageId }
    : await defaultPlacement(db, auth.orgId, input.pipelineId);
  const now = Date.now();
  const deal: DealRecord = {
    id,
    title: input.title,
    amount: input.amount ?? 0,
    currency: input.currency ?? "USD",
    ...placement,
    position: input.position ?? "",
    ownerId: input.ownerId === undefined ? auth.userId : input.ownerId,
    contactId: input.contactId ?? null,
    companyId: input.companyId ?? null,
    leadId: input.leadId ?? null,
    closeDate: input.closeDate ?? null,
    status: input.status ?? "open",
    lostReason: input.lostReason ?? null,
    tags: input.tags ?? [],
    createdBy: auth.userId,
    createdAt: now,
    updatedBy: auth.userId,
    updatedAt: now,
  };
  await checkLinks(db, auth.orgId, deal);
  const room = await orgRoom(env, auth.orgId);
  const saved = unwrap(await room.saveDeal(deal, auth.userId, { previous: null, origin: auth.origin }));
  await auditStatement(db, auth.orgId, { actorId: auth.userId, action: "create", entity: "deal", entityId: id, changes: { title: deal.title, amount: deal.amount, stageId: deal.stageId }, requestId });
  return saved;
}

/** The freshest state of a deal: the board's for open deals, else the projection's. */
async function currentDeal(env: Env, auth: AuthContext, id: string): Promise<DealRecord> {
  const stored = await getDeal(orgDb(env, auth.orgId), auth, id);
  const live = await (await orgRoom(env, auth.orgId)).boardDeal(id);
  return live ?? stored;
}

export async function updateDeal(env: Env, auth: AuthContext, id: string, patch: DealInput, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const current = await currentDeal(env, auth, id);
  assertMayAssign(auth, patch.ownerId, current.ownerId);
  const next: DealRecord = { ...current, ...patch, id, updatedBy: auth.userId, updatedAt: Date.now() };
  if (patch.stageId && patch.stageId !== current.stageId && patch.position === undefined) next.position = "";
  if (patch.pipelineId && !patch.stageId) Object.assign(next, await defaultPlacement(db, auth.orgId, patch.pipelineId), { position: "" });
  await checkLinks(db, auth.orgId, next);
  const room = await orgRoom(env, auth.orgId);
  const saved = unwrap(await room.saveDeal(next, auth.userId, { previous: current, origin: auth.origin }));
  const changes = Object.fromEntries(Object.entries(patch).filter(([k]) => k !== "id"));
  await auditStatement(db, auth.orgId, { actorId: auth.userId, action: "update", entity: "deal", entityId: id, changes, requestId });
  return saved;
}

export async function moveDeal(env: Env, auth: AuthContext, input: { dealId: string; stageId: string; position?: number | string }, requestId?: string) {
  const current = await currentDeal(env, auth, input.dealId);
  if (current.status !== "open") throw conflict("Only open deals are on the board");
  const db = orgDb(env, auth.orgId);
  await checkLinks(db, auth.orgId, { ...current, stageId: input.stageId });
  const room = await orgRoom(env, auth.orgId);
  const saved = unwrap(await room.moveDeal(input.dealId, input.stageId, input.position, auth.userId, auth.origin));
  await auditStatement(db, auth.orgId, { actorId: auth.userId, action: "move", entity: "deal", entityId: input.dealId, changes: { stageId: { from: current.stageId, to: input.stageId } }, requestId });
  return saved;
}

export async function deleteDeal(env: Env, auth: AuthContext, id: string, requestId?: string) {
  const db = orgDb(env, auth.orgId);
  const record = await currentDeal(env, auth, id);
  await (await orgRoom(env, auth.orgId)).deleteDeal(id, auth.userId, { record, origin: auth.origin });
  await destroyDealRoom(env, id);
  // The deal's timeline stays with its contact and company; only the link to the deal goes.
  await db.batch([
    db.update(activities).set({ dealId: null }).where(and(eq(activities.orgId, auth.orgId), eq(activities.dealId, id))),
    auditStatement(db, auth.orgId, { actorId: auth.userId, action: "delete", entity: "deal", entityId: id, requestId }),
  ]);
}

