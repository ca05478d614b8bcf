import { and, asc, eq } from "drizzle-orm";
import { aiActions, type AiActionKind } from "../../../schema";
import type { AiActionView } from "../../../schema/ai-api";
import { auditStatement } from "../../platform/audit-writer";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { AppError, conflict, forbidden, notFound } from "../../platform/errors";
import { allows } from "../../platform/permissions";
import type { Actor } from "../../platform/records";
import { ACTION_PERMISSION, runAction, type ActionInputs } from "./assistant-action-runs";
import { requireOwnConversation } from "./assistant-conversations";

/**
 * The life of a proposed change: the assistant proposes it (proposed), and
 * only its user settles it, once: confirmed (it ran, through the normal
 * service with the user's role), dismissed, or failed (the service refused
 * the input, e.g. the deal closed meanwhile). A role that may not make the
 * change is refused before anything is touched, the proposal included.
 */

type ActionRow = typeof aiActions.$inferSelect;

export const actionView = (a: ActionRow): AiActionView => ({
  id: a.id,
  kind: a.kind,
  summary: a.summary,
  input: a.input,
  status: a.status,
  result: a.result ?? null,
  createdAt: a.createdAt,
  resolvedAt: a.resolvedAt ?? null,
});

export async function conversationActions(db: Db, conversationId: string): Promise<AiActionView[]> {
  const rows = await db.select().from(aiActions).where(eq(aiActions.conversationId, conversationId)).orderBy(asc(aiActions.createdAt), asc(aiActions.id));
  return rows.map(actionView);
}

async function requireOwnAction(db: Db, actor: Actor, conversationId: string, actionId: string): Promise<ActionRow> {
  await requireOwnConversation(db, actor, conversationId);
  const row = await db
    .select()
    .from(aiActions)
    .where(and(eq(aiActions.orgId, actor.orgId), eq(aiActions.userId, actor.userId), eq(aiActions.conversationId, conversationId), eq(aiActions.id, actionId)))
    .get();
  if (!row) throw notFound("Action");
  return row;
}

const settled = (a: ActionRow) => conflict(`This action is already ${a.status}`, { status: a.status });

/** Moves a proposal on from `proposed`, unless another request did first. */
async function claim(db: Db, id: string, values: Partial<ActionRow>) {
  const rows = await db
    .update(aiActions)
    .set(values)
    .where(and(eq(aiActions.id, id), eq(aiActions.status, "proposed")))
    .returning({ id: aiActions.id });
  return rows.length === 1;
}

export async function confirmAction(env: Env, db: Db, actor: Actor, conversationId: string, actionId: string): Promise<AiActionView> {
  const action = await requireOwnAction(db, actor, conversationId, actionId);
  if (action.status !== "proposed") throw settled(action);
  if (!allows(actor, ACTION_PERMISSION[action.kind])) {
    throw forbidden(`Your role (${actor.role}) does not allow ${ACTION_PERMISSION[action.kind]}, so this change cannot run`);
  }
  const now = Date.now();
  if (!(await claim(db, action.id, { status: "confirmed", resolvedAt: now }))) throw settled({ ...action, status: "confirmed" });
  let made: { type: string; id: string };
  try {
    made = await runAction(env, db, actor, action.kind, action.input as ActionInputs[AiActionKind]);
  } catch (err) {
    // The service refused the input for good: say so on the proposal. Anything else may pass; it stays proposed.
    const refused = err instanceof AppError && err.status < 500;
    await db
      .update(aiActions)
      .set(refused ? { status: "failed", result: { error: { code: err.code, message: err.message } } } : { status: "proposed", resolvedAt: null })
      .where(eq(aiActions.id, action.id));
    throw err;
  }
  const result = { type: made.type, id: made.id };
  await db.batch([
    db.update(aiActions).set({ result }).where(eq(aiActions.id, action.id)),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "confirm", entity: "ai_action", entityId: action.id, changes: { kind: action.kind, result }, requestId: actor.requestId }),
  ]);
  return actionView({ ...action, status: "confirmed", resolvedAt: now, result });
}

export async function dismissAction(db: Db, actor: Actor, conversationId: string, actionId: string): Promise<AiActionView> {
  const action = await requireOwnAction(db, actor, conversationId, actionId);
  const now = Date.now();
  if (action.status !== "proposed" || !(await claim(db, action.id, { status: "dismissed", resolvedAt: now }))) throw settled(action);
  return actionView({ ...action, status: "dismissed", resolvedAt: now });
}
