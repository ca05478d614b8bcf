import { and, eq, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { auditStatement, auditStatementIf } from "../../platform/audit-writer";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { enqueue } from "../../platform/job-queue";
import { findVisible, type Actor } from "../../platform/records";
import { callTranscripts, contacts, deals, leads, type CallRow, type TranscriptActionItem } from "../../../schema";
import { CALL_TRANSCRIPT_JOB, type CallTranscriptJob } from "../../../schema/jobs";
import { createActivity, publishActivityChanged } from "../../crm";
import { callTitle, partyNames, recordingChannelsKey, requireCall } from "../../telephony";
import { CLAIM_LEASE_MS, findTranscript, reopenTranscript, settleTranscript, type TranscriptRow } from "./call-transcript-rows";

/**
 * What members do with a call's transcript: read it, edit the summary and
 * action items (drafts), turn an action item into a task, and retry one that
 * failed or was skipped. Every call first passes the call's own visibility
 * rule (telephony's requireCall), so another organization's call, or one an
 * agent may not see, is a 404 here too.
 */

export function transcriptView(call: Pick<CallRow, "id" | "recordingKey">, row: TranscriptRow | undefined, now = Date.now()) {
  const stale = row?.status === "pending" && row.updatedAt < now - CLAIM_LEASE_MS;
  const retryable = !!call.recordingKey && (!row || row.status === "failed" || row.status === "skipped" || stale || row.recordingKey !== call.recordingKey);
  return {
    callId: call.id,
    status: row?.status ?? null,
    language: row?.language ?? null,
    segments: row?.segments ?? [],
    sentiment: row?.sentiment ?? null,
    summary: row?.summary ?? null,
    actionItems: row?.actionItems ?? [],
    provider: row?.provider ?? null,
    model: row?.model ?? null,
    error: row?.error ?? null,
    updatedAt: row?.updatedAt ?? null,
    retryable,
  };
}

export async function getCallTranscript(db: Db, orgId: string, actor: Actor, callId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  return transcriptView(call, await findTranscript(db, orgId, callId));
}

async function requireDone(db: Db, orgId: string, callId: string): Promise<TranscriptRow> {
  const row = await findTranscript(db, orgId, callId);
  if (!row || row.status !== "done") throw conflict("This call has no finished transcript yet.");
  return row;
}

export interface TranscriptDraftInput {
  summary?: string | null;
  /** The whole list, in order: an item with a known id keeps its task link; one without an id is new. */
  actionItems?: { id?: string; text: string }[];
}

function editedItems(current: TranscriptActionItem[], edited: NonNullable<TranscriptDraftInput["actionItems"]>): TranscriptActionItem[] {
  const byId = new Map(current.map((item) => [item.id, item]));
  const unknown = edited.filter((item) => item.id !== undefined && !byId.has(item.id));
  if (unknown.length) throw invalid({ actionItems: [`No action item ${unknown[0]!.id} on this transcript`] });
  return edited.map((item) => (item.id ? { ...byId.get(item.id)!, text: item.text } : { id: newId(), text: item.text }));
}

const EDIT_ATTEMPTS = 4;

/** Edits the drafts; a task already made from an item stays linked to it. */
export async function updateCallTranscript(db: Db, orgId: string, actor: Actor, callId: string, input: TranscriptDraftInput) {
  const call = await requireCall(db, orgId, actor, callId);
  for (let attempt = 0; attempt < EDIT_ATTEMPTS; attempt++) {
    const row = await requireDone(db, orgId, callId);
    const values: Partial<TranscriptRow> = { updatedAt: Math.max(Date.now(), row.updatedAt + 1) };
    if (input.summary !== undefined) values.summary = input.summary?.trim() || null;
    if (input.actionItems !== undefined) values.actionItems = editedItems(row.actionItems, input.actionItems);
    // Guarded by the version read, so a task linked meanwhile is not written over.
    const [updated] = await db.batch([
      db
        .update(callTranscripts)
        .set(values)
        .where(and(eq(callTranscripts.orgId, orgId), eq(callTranscripts.callId, callId), eq(callTranscripts.updatedAt, row.updatedAt)))
        .returning(),
      auditStatementIf(
        db,
        orgId,
        {
          actorId: actor.userId,
          action: "transcript.update",
          entity: "call",
          entityId: callId,
          changes: { ...(values.summary !== undefined ? { summary: values.summary } : {}), ...(values.actionItems ? { actionItems: values.actionItems.map((i) => i.text) } : {}) },
          requestId: actor.requestId,
        },
        sql`changes() > 0`,
      ),
    ]);
    if (updated[0]) return transcriptView(call, updated[0]);
  }
  throw conflict("The transcript kept changing; reload it and try again.");
}

/** The call's contact, deal and lead, where the member may see them: the task's links. */
async function taskLinks(db: Db, orgId: string, actor: Actor, call: CallRow) {
  const visible = async (table: typeof contacts | typeof deals | typeof leads, id: string | null) =>
    id && (await findVisible(db, table, orgId, actor, id)) ? id : null;
  return {
    contactId: await visible(contacts, call.contactId),
    dealId: await visible(deals, call.dealId),
    leadId: await visible(leads, call.leadId),
  };
}

/** Sets (or, with `taskId` null, clears) an item's task link in place, only if it is still at `index` and unlinked (or linked to `expected`). */
function linkItem(db: Db, orgId: string, callId: string, index: number, itemId: string, taskId: string | null, expected: string | null) {
  const path = `$[${index}]`;
  return db
    .update(callTranscripts)
    .set({
      actionItems: taskId
        ? sql`json_set(${callTranscripts.actionItems}, ${`${path}.taskId`}, ${taskId})`
        : sql`json_remove(${callTranscripts.actionItems}, ${`${path}.taskId`})`,
      updatedAt: sql`max(${Date.now()}, ${callTranscripts.updatedAt} + 1)`,
    })
    .where(
      and(
        eq(callTranscripts.orgId, orgId),
        eq(callTranscripts.callId, callId),
        eq(callTranscripts.status, "done"),
        sql`json_extract(${callTranscripts.actionItems}, ${`${path}.id`}) = ${itemId}`,
        expected === null
          ? sql`json_extract(${callTranscripts.actionItems}, ${`${path}.taskId`}) IS NULL`
          : sql`json_extract(${callTranscripts.actionItems}, ${`${path}.taskId`}) = ${expected}`,
      ),
    )
    .returning({ callId: callTranscripts.callId });
}

/**
 * One click from an action item to a task: a `task` activity owned by the
 * member, linked to the call's contact, deal and lead they may see, made by
 * the CRM's activity service (role and link checks, audit). The item is
 * claimed first, so two clicks make one task; the second answers 409.
 */
export async function createTaskFromActionItem(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, actor: Actor, callId: string, itemId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  const row = await requireDone(db, orgId, callId);
  const index = row.actionItems.findIndex((item) => item.id === itemId);
  const item = row.actionItems[index];
  if (!item) throw notFound("Action item");
  if (item.taskId) throw conflict("This action item is already a task.", { taskId: item.taskId });
  const taskId = newId();
  if (!(await linkItem(db, orgId, callId, index, itemId, taskId, null)).length) {
    const now = (await findTranscript(db, orgId, callId))?.actionItems.find((i) => i.id === itemId);
    throw conflict(now?.taskId ? "This action item is already a task." : "The action items changed; reload them and try again.", now?.taskId ? { taskId: now.taskId } : undefined);
  }
  let task;
  try {
    const title = callTitle(call, await partyNames(db, orgId, [call]));
    task = await createActivity(db, orgId, actor, {
      id: taskId,
      type: "task",
      subject: item.text.slice(0, 300),
      body: `An action item from the summary of “${title}”.${row.summary ? `\n\n${row.summary}` : ""}`,
      ...(await taskLinks(db, orgId, actor, call)),
    });
  } catch (err) {
    const current = await findTranscript(db, orgId, callId);
    const at = current?.actionItems.findIndex((i) => i.id === itemId) ?? -1;
    if (at >= 0) await linkItem(db, orgId, callId, at, itemId, null, taskId);
    throw err;
  }
  await publishActivityChanged(env, db, orgId, actor, "created", task);
  return { item: { ...item, taskId }, task };
}

/**
 * A member's retry of a failed or skipped transcript (or a recording never
 * transcribed): back to pending, and a job. Twilio's dual-channel WAV goes
 * along while it is still there (a job that died or ran out of retries left it).
 */
export async function retryCallTranscript(env: Pick<Env, "JOBS" | "FILES">, db: Db, orgId: string, actor: Actor, callId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  if (!call.recordingKey) throw notFound("Recording");
  const channelsKey = recordingChannelsKey(orgId, callId);
  const channels = (await env.FILES.head(channelsKey)) ? { channelsKey } : {};
  const requestedAt = await reopenTranscript(db, orgId, callId, call.recordingKey);
  if (requestedAt === null) throw conflict("This transcript is done or being written.");
  const job: CallTranscriptJob = { type: CALL_TRANSCRIPT_JOB, orgId, callId, recordingKey: call.recordingKey, requestedAt, ...channels };
  try {
    await enqueue(env, job);
  } catch (err) {
    // No job will come for this pending row: say so now rather than after the claim lease.
    await settleTranscript(db, callId, requestedAt, { status: "failed", error: "The transcription could not be queued; try again." });
    throw err;
  }
  await auditStatement(db, orgId, { actorId: actor.userId, action: "transcript.retry", entity: "call", entityId: callId, requestId: actor.requestId });
  return transcriptView(call, await findTranscript(db, orgId, callId));
}
