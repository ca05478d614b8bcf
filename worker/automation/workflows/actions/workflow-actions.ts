/**
 * Every action a workflow step can run (but `wait` and `branch`, which are
 * the runner's own control flow), registered with action-registry.ts by
 * the automation feature's index.
 */
import { registerAction, type TypedExecutor } from "./action-registry";
import { notifyAction } from "./notify-action";
import { assignOwnerAction } from "./assign-owner-action";
import { createTaskAction, createNoteAction } from "./activity-actions";
import { setFieldsAction, addTagsAction, removeTagsAction } from "./record-field-actions";
import { aiScoreAction, aiSummarizeAction, aiDraftAction } from "./ai-actions";
import { webhookAction } from "./webhook-action";
import { sendEmailAction } from "./send-email-action";

const ACTIONS: TypedExecutor[] = [
  notifyAction as TypedExecutor,
  assignOwnerAction as TypedExecutor,
  createTaskAction as TypedExecutor,
  createNoteAction as TypedExecutor,
  setFieldsAction as TypedExecutor,
  addTagsAction as TypedExecutor,
  removeTagsAction as TypedExecutor,
  aiScoreAction as TypedExecutor,
  aiSummarizeAction as TypedExecutor,
  aiDraftAction as TypedExecutor,
  webhookAction as TypedExecutor,
  sendEmailAction as TypedExecutor,
];

export function registerWorkflowActions(): void {
  for (const { type, executor } of ACTIONS) registerAction(type, executor);
}
