import type { AiActionKind } from "../../../schema";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import type { Permission } from "../../platform/permissions";
import type { Actor } from "../../platform/records";
import { createActivity, moveDeal, publishActivityChanged } from "../../crm";
import { clip, type ActivityTarget } from "./assistant-record-views";

/**
 * What a confirmed proposal does, through the same services (and so the
 * same checks and audit rows) as the REST route that does it by hand:
 * POST /api/activities for tasks, notes and email drafts, POST
 * /api/kanban/move for a deal's stage.
 */

export interface ActionInputs {
  create_task: { recordType: ActivityTarget; recordId: string; title: string; dueAt: number | null };
  log_note: { recordType: ActivityTarget; recordId: string; body: string };
  move_deal: { dealId: string; stageId: string; stageName: string; fromStageName: string | null };
  draft_email: { to: string | null; recordType: ActivityTarget | null; recordId: string | null; subject: string; body: string };
}

/** The permission of the REST route each kind stands in for. */
export const ACTION_PERMISSION: Record<AiActionKind, Permission> = {
  create_task: "records:write",
  log_note: "records:write",
  move_deal: "records:write",
  draft_email: "records:write",
};

/** The tag an email activity carries while it is a draft nobody sent. */
export const DRAFT_TAG = "draft";

const LINK = { deal: "dealId", contact: "contactId", company: "companyId", lead: "leadId" } as const;
const linkTo = (type: ActivityTarget | null, id: string | null) => (type && id ? { [LINK[type]]: id } : {});

/** A note's subject: its first line, cut short. */
export const noteSubject = (body: string) => clip(body.trim().split("\n")[0], 120) ?? "Note";

export async function runAction<K extends AiActionKind>(env: Env, db: Db, actor: Actor, kind: K, input: ActionInputs[K]): Promise<{ type: "activity" | "deal"; id: string }> {
  const activity = async (values: Parameters<typeof createActivity>[3]) => {
    const created = await createActivity(db, actor.orgId, actor, values);
    await publishActivityChanged(env, db, actor.orgId, actor, "created", created);
    return { type: "activity" as const, id: created.id };
  };
  switch (kind) {
    case "create_task": {
      const task = input as ActionInputs["create_task"];
      return activity({ type: "task", subject: task.title, dueAt: task.dueAt, ...linkTo(task.recordType, task.recordId) });
    }
    case "log_note": {
      const note = input as ActionInputs["log_note"];
      return activity({ type: "note", subject: noteSubject(note.body), body: note.body, ...linkTo(note.recordType, note.recordId) });
    }
    case "draft_email": {
      const email = input as ActionInputs["draft_email"];
      const body = email.to ? `To: ${email.to}\n\n${email.body}` : email.body;
      return activity({ type: "email", subject: email.subject, body, tags: [DRAFT_TAG], ...linkTo(email.recordType, email.recordId) });
    }
    case "move_deal": {
      const move = input as ActionInputs["move_deal"];
      const deal = await moveDeal(env, actor, { dealId: move.dealId, stageId: move.stageId }, actor.requestId);
      return { type: "deal", id: deal.id };
    }
  }
  throw new Error(`unknown action kind ${String(kind)}`);
}
