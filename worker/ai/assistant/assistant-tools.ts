import type { AiCitation } from "../../../schema";
import type { AiActionView } from "../../../schema/ai-api";
import { AppError } from "../../platform/errors";
import { allows } from "../../platform/permissions";
import type { ChatToolSpec } from "../providers/ai-provider";
import { citationsOf } from "./assistant-citations";
import { listDealsTool, pipelineSummaryTool } from "./assistant-deal-tools";
import { createTaskTool, draftEmailTool, logNoteTool, moveDealTool } from "./assistant-proposal-tools";
import { getRecordTool, listActivitiesTool, searchRecordsTool } from "./assistant-record-tools";
import { ticketSummaryTool } from "./assistant-ticket-tools";
import { parametersOf, type AssistantTool, type ToolScope } from "./assistant-tool-kit";

/**
 * The assistant's tools and how one call of the model's is run. Whatever
 * goes wrong in a tool (arguments that do not parse, a role without the
 * permission, a record that is hidden or gone) becomes an error result the
 * model reads and can recover from; the user's request itself never fails
 * with a 403 or 404 because of a tool call.
 */

const TOOLS: AssistantTool[] = [
  searchRecordsTool,
  getRecordTool,
  listDealsTool,
  listActivitiesTool,
  pipelineSummaryTool,
  ticketSummaryTool,
  createTaskTool,
  logNoteTool,
  moveDealTool,
  draftEmailTool,
];

const byName = new Map(TOOLS.map((t) => [t.name, t]));

export const ASSISTANT_TOOL_SPECS: ChatToolSpec[] = TOOLS.map((t) => ({ name: t.name, description: t.description, parameters: parametersOf(t.input) }));

/** What the model gets back (`content`, JSON) and what the user sees of it. */
export interface ToolOutcome {
  content: string;
  citations: AiCitation[];
  error?: string;
  action?: AiActionView;
}

const failed = (error: string): ToolOutcome => ({ content: JSON.stringify({ error }), citations: [], error });

function explain(err: AppError): string {
  if (err.code === "not_found") return `${err.message}, or not visible to this user`;
  if (err.code === "validation_error" && err.details && typeof err.details === "object") {
    const fields = Object.entries(err.details as Record<string, string[]>).map(([field, problems]) => `${field}: ${problems.join("; ")}`);
    return `Invalid arguments: ${fields.join(". ")}`;
  }
  return err.message;
}

/** The model's arguments, parsed when they are JSON, for the `tool_call` event. */
export function parsedArguments(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export async function runTool(scope: ToolScope, call: { name: string; arguments: string }): Promise<ToolOutcome> {
  const tool = byName.get(call.name);
  if (!tool) return failed(`There is no tool named ${call.name}`);
  const args = parsedArguments(call.arguments || "{}");
  const input = tool.input.safeParse(typeof args === "string" ? undefined : args);
  if (!input.success) {
    return failed(`Invalid arguments: ${input.error.issues.map((i) => `${i.path.join(".") || "arguments"}: ${i.message}`).join(". ")}`);
  }
  if (tool.permission && !allows(scope.actor, tool.permission)) return failed(`This user's role (${scope.actor.role}) may not use ${tool.name}`);
  try {
    const answer = await tool.run(scope, input.data);
    return { content: JSON.stringify({ data: answer.data }), citations: citationsOf(answer.data), ...(answer.action ? { action: answer.action } : {}) };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return failed(explain(err));
    throw err;
  }
}
