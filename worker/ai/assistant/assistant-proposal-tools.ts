import { z } from "@hono/zod-openapi";
import { aiActions, type AiActionKind } from "../../../schema";
import { invalid } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { localToInstant } from "../../platform/local-time";
import { getDeal, listPipelines } from "../../crm";
import type { ActionInputs } from "./assistant-action-runs";
import { actionView } from "./assistant-actions";
import { ACTIVITY_TARGETS, recordView } from "./assistant-record-views";
import { assistantTool, RecordId, type ToolAnswer, type ToolScope } from "./assistant-tool-kit";

/**
 * The tools that would change data only propose: each checks its input and
 * that the record it touches is one the user may see, stores the proposal
 * and shows it to the user, who confirms or dismisses it. Nothing else is
 * written, whatever the model was asked or tricked into asking.
 */

const PROPOSED =
  "Proposed only: nothing has changed. It runs if and when the user confirms it in the assistant panel. Tell the user what you proposed.";

async function propose<K extends AiActionKind>(s: ToolScope, kind: K, input: ActionInputs[K], summary: string): Promise<ToolAnswer> {
  const row = {
    id: newId(),
    orgId: s.orgId,
    conversationId: s.conversationId,
    userId: s.actor.userId,
    kind,
    input: input as unknown as Record<string, unknown>,
    summary,
    status: "proposed" as const,
    result: null,
    createdAt: Date.now(),
    resolvedAt: null,
  };
  await s.db.insert(aiActions).values(row);
  return { data: { proposed: true, actionId: row.id, summary, note: PROPOSED }, action: actionView(row) };
}

const Target = { recordType: z.enum(ACTIVITY_TARGETS), recordId: RecordId };

/** A due date as the model writes it: a day (9:00 that day), or a day and time, in the organization's zone; or an instant with its offset. */
export function dueInstant(raw: string, timeZone: string): number {
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::\d{2}(?:\.\d+)?)?)?$/.exec(raw.trim());
  if (local) {
    const [, y, m, d, hh, mm] = local;
    return localToInstant(Number(y), Number(m), Number(d), hh ? Number(hh) * 60 + Number(mm) : 9 * 60, timeZone);
  }
  const instant = /(Z|[+-]\d{2}:?\d{2})$/i.test(raw.trim()) ? Date.parse(raw) : Number.NaN;
  if (!Number.isFinite(instant)) throw invalid({ dueAt: ["Use YYYY-MM-DD or YYYY-MM-DDTHH:MM"] });
  return instant;
}

export const createTaskTool = assistantTool({
  name: "create_task",
  description: "Propose a task on a deal, contact, company or lead. The user confirms it before it is created.",
  input: z
    .object({
      title: z.string().trim().min(1).max(300),
      dueAt: z.string().trim().max(40).optional().describe("YYYY-MM-DD or YYYY-MM-DDTHH:MM in the organization's time zone"),
      ...Target,
    })
    .strict(),
  async run(s, { title, dueAt, recordType, recordId }) {
    const record = await recordView(s, recordType, recordId);
    const due = dueAt ? dueInstant(dueAt, s.timeZone) : null;
    const when = dueAt ? ` due ${dueAt.replace("T", " ")}` : "";
    return propose(s, "create_task", { recordType, recordId, title, dueAt: due }, `Create a task “${title}”${when} on ${recordType} ${record.title}`);
  },
});

export const logNoteTool = assistantTool({
  name: "log_note",
  description: "Propose logging a note on a deal, contact, company or lead. The user confirms it before it is written.",
  input: z.object({ ...Target, body: z.string().trim().min(1).max(5000) }).strict(),
  async run(s, { recordType, recordId, body }) {
    const record = await recordView(s, recordType, recordId);
    return propose(s, "log_note", { recordType, recordId, body }, `Log a note on ${recordType} ${record.title}`);
  },
});

export const moveDealTool = assistantTool({
  name: "move_deal",
  description: "Propose moving an open deal to another stage of its pipeline, by the stage's name or id. The user confirms it before it moves.",
  input: z
    .object({
      dealId: RecordId,
      stageName: z.string().trim().min(1).max(100).optional(),
      stageId: RecordId.optional(),
    })
    .strict(),
  async run(s, { dealId, stageName, stageId }) {
    if (!stageName && !stageId) throw invalid({ stageName: ["Give stageName or stageId"] });
    await recordView(s, "deal", dealId);
    const deal = await getDeal(s.db, s.actor, dealId);
    if (deal.status !== "open") throw invalid({ dealId: [`The deal is ${deal.status}; only open deals move between stages`] });
    const pipeline = (await listPipelines(s.db, s.orgId)).find((p) => p.id === deal.pipelineId);
    const stages = pipeline?.stages ?? [];
    const stage = stages.find((st) => (stageId ? st.id === stageId : st.name.toLowerCase() === stageName!.toLowerCase()));
    if (!stage) throw invalid({ stageName: [`No such stage in the deal's pipeline; its stages are ${stages.map((st) => st.name).join(", ")}`] });
    if (stage.id === deal.stageId) throw invalid({ stageName: [`The deal is already in ${stage.name}`] });
    const from = stages.find((st) => st.id === deal.stageId)?.name ?? null;
    return propose(s, "move_deal", { dealId, stageId: stage.id, stageName: stage.name, fromStageName: from }, `Move deal ${deal.title}${from ? ` from ${from}` : ""} to ${stage.name}`);
  },
});

export const draftEmailTool = assistantTool({
  name: "draft_email",
  description:
    "Propose an email draft, saved as a draft email activity (on a deal, contact, company or lead when given) for the user to send themselves. The user confirms it before it is saved.",
  input: z
    .object({
      to: z.email().max(254).optional(),
      recordType: z.enum(ACTIVITY_TARGETS).optional(),
      recordId: RecordId.optional(),
      subject: z.string().trim().min(1).max(300),
      body: z.string().trim().min(1).max(10_000),
    })
    .strict(),
  async run(s, { to, recordType, recordId, subject, body }) {
    if (!recordType !== !recordId) throw invalid({ recordId: ["Give both recordType and recordId, or neither"] });
    const record = recordType && recordId ? await recordView(s, recordType, recordId) : null;
    const summary = `Save an email draft “${subject}”${to ? ` to ${to}` : ""}${record ? ` on ${recordType} ${record.title}` : ""}`;
    return propose(s, "draft_email", { to: to ?? null, recordType: recordType ?? null, recordId: recordId ?? null, subject, body }, summary);
  },
});
