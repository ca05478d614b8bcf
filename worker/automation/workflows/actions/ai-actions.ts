import { and, eq } from "drizzle-orm";
import { assertWithinBudget, completeChat, recordAiUsage, requireChat, resolveAi, startTicketReplyDraft } from "../../../ai";
import { createActivity, listActivities, publishActivityChanged } from "../../../crm";
import { rescore } from "../../../scoring";
import { requireVisibleTicket } from "../../../support";
import { orgDb } from "../../../platform/db";
import { AppError, forbidden, setupMissing } from "../../../platform/errors";
import { can } from "../../../platform/permissions";
import { actorOf } from "../../../platform/records";
import { activities, deals, leads } from "../../../../schema";
import { actionExecutor, type ActionContext } from "./action-registry";
import { readTarget, stepRecordId } from "./action-records";
import { templateScope } from "./action-templates";

/**
 * The AI actions: `ai_score` rescores a lead or deal with the organization's
 * own model now; `ai_summarize` and `ai_draft` ask the organization's chat
 * model (worker/ai) and are metered like every model call. Without a model
 * the step fails with the AI layer's own "not configured" error; no text is
 * ever made up.
 */

const SUMMARY_TOKENS = 400;
const DRAFT_TOKENS = 700;
const TIMELINE_ITEMS = 15;
const SUMMARY_SUBJECT = "AI summary";

const NOTE_LINK = { deal: "dealId", contact: "contactId", lead: "leadId", company: "companyId" } as const;

function mayWrite(ctx: ActionContext) {
  if (!can(ctx.actor.role, "records:write")) throw forbidden(`The workflow's owner (${ctx.actor.role}) may not change records`);
}

async function chatFor(ctx: ActionContext) {
  const db = orgDb(ctx.env, ctx.orgId);
  const chat = requireChat(await resolveAi(ctx.env, db, ctx.orgId));
  await assertWithinBudget(ctx.env, db, ctx.orgId, "chat");
  return chat;
}

/** One model answer, metered to the workflow's owner; an empty answer is the provider's failure, not a result. */
async function ask(ctx: ActionContext, system: string, user: string, maxTokens: number) {
  const chat = await chatFor(ctx);
  const { text, usage } = await completeChat(chat, { messages: [{ role: "system", content: system }, { role: "user", content: user }], maxTokens, temperature: 0.2 });
  await recordAiUsage(orgDb(ctx.env, ctx.orgId), { orgId: ctx.orgId, userId: ctx.actor.userId, feature: "workflow", provider: chat.provider, model: chat.model, ...usage });
  const answer = text.trim();
  if (!answer) throw new AppError("provider_error", "The model answered with an empty text; the step will be retried");
  return answer;
}

/** The record, what it links to and its latest timeline, as the owner may see them, for a prompt. */
async function recordFacts(ctx: ActionContext, entity: string, id: string) {
  const scope = await templateScope(ctx);
  const link = NOTE_LINK[entity as keyof typeof NOTE_LINK];
  const timeline = link
    ? (await listActivities(orgDb(ctx.env, ctx.orgId), ctx.orgId, actorOf(ctx.actor, ctx.requestId), { page: 1, perPage: TIMELINE_ITEMS, sort: "-createdAt", [link]: id })).rows.map(
        (a) => ({ type: a.type, subject: a.subject, body: a.body, at: new Date(a.createdAt).toISOString(), done: a.doneAt !== null }),
      )
    : [];
  const { workflow: _w, event: _e, previous: _p, ...record } = scope;
  return JSON.stringify({ kind: entity, record, timeline });
}

export const aiScoreAction = actionExecutor("ai_score", async (ctx) => {
  mayWrite(ctx);
  const { entity, id, record } = await readTarget(ctx);
  if (entity !== "lead" && entity !== "deal") throw new AppError("validation_error", `Scores are for leads and deals, not a ${entity}`);
  const db = orgDb(ctx.env, ctx.orgId);
  const result = await rescore(ctx.env, db, ctx.orgId, entity, Date.now(), { ids: [id] });
  if (!result) throw setupMissing(`There is no ${entity} scoring model yet: set scoring rules or close more ${entity}s to train one`);
  const table = entity === "lead" ? leads : deals;
  const row = await db.select({ score: table.score }).from(table).where(and(eq(table.orgId, ctx.orgId), eq(table.id, id))).get();
  return { entity, id, score: row?.score ?? null, previous: (record.score as number | null | undefined) ?? null };
});

export const aiSummarizeAction = actionExecutor("ai_summarize", async (ctx) => {
  const { entity, id } = await readTarget(ctx);
  const link = NOTE_LINK[entity as keyof typeof NOTE_LINK];
  const db = orgDb(ctx.env, ctx.orgId);
  const noteId = await stepRecordId(ctx);
  if (link) {
    mayWrite(ctx);
    const done = await db.select({ body: activities.body }).from(activities).where(and(eq(activities.orgId, ctx.orgId), eq(activities.id, noteId))).get();
    if (done) return { entity, id, summary: done.body, activityId: noteId };
  }
  const summary = await ask(
    ctx,
    "You summarize one CRM record for a colleague in three to five plain sentences: who it is, where it stands, what happened last and what is open. Use only the facts given; say when something is unknown. No greeting, no markdown.",
    await recordFacts(ctx, entity, id),
    SUMMARY_TOKENS,
  );
  if (!link) return { entity, id, summary };
  const actor = actorOf(ctx.actor, ctx.requestId);
  const note = await createActivity(db, ctx.orgId, actor, { id: noteId, type: "note", subject: SUMMARY_SUBJECT, body: summary, [link]: id, ownerId: ctx.actor.userId });
  await publishActivityChanged(ctx.env, db, ctx.orgId, actor, "created", note);
  return { entity, id, summary, activityId: noteId };
});

/** A ticket's reply draft through the AI layer's own drafting (knowledge-base articles, citations, metering). */
async function ticketDraft(ctx: ActionContext, id: string, instruction?: string) {
  const db = orgDb(ctx.env, ctx.orgId);
  const ticket = await requireVisibleTicket(db, ctx.orgId, ctx.actor, id);
  const chat = await chatFor(ctx);
  const stream = await startTicketReplyDraft(ctx.env, db, {
    orgId: ctx.orgId,
    userId: ctx.actor.userId,
    ticket,
    chat,
    origin: ctx.env.APP_URL?.replace(/\/+$/, "") ?? "",
    instructions: instruction,
  });
  let draft = "";
  await stream(async (name, data) => {
    if (name === "done") draft = (data as { draft: string }).draft;
  }, new AbortController().signal);
  return draft;
}

export const aiDraftAction = actionExecutor("ai_draft", async (ctx, action) => {
  const { entity, id } = await readTarget(ctx);
  if (entity === "ticket") return { entity, id, draft: await ticketDraft(ctx, id, action.instruction) };
  if (entity !== "deal" && entity !== "lead" && entity !== "contact") throw new AppError("validation_error", `Drafts are written for tickets, deals, leads and contacts, not a ${entity}`);
  const wishes = action.instruction?.trim() ? `\nThe sender's wishes: ${action.instruction.trim()}` : "";
  const draft = await ask(
    ctx,
    "You draft a short, friendly follow-up email from a salesperson to the customer of this CRM record, using only the facts given. Start with 'Subject: ' on the first line, then a blank line and the body. No placeholders in brackets; leave out what is unknown.",
    (await recordFacts(ctx, entity, id)) + wishes,
    DRAFT_TOKENS,
  );
  return { entity, id, draft };
});
