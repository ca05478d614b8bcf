import { z } from "@hono/zod-openapi";
import type { AiActionView } from "../../../schema/ai-api";
import type { Permission } from "../../platform/permissions";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import type { Actor } from "../../platform/records";

/** Everything a tool needs to act as the caller. */
export interface ToolScope {
  env: Env;
  db: Db;
  orgId: string;
  actor: Actor;
  timeZone: string;
  conversationId: string;
}

/**
 * What one assistant tool is: a name and description the model reads, its
 * arguments as a zod schema (the JSON Schema offered to the model is derived
 * from it, so what is offered is what is validated), the permission its
 * whole purpose needs, and what it does with validated arguments.
 */
export interface AssistantTool<S extends z.ZodType = z.ZodType> {
  name: string;
  description: string;
  input: S;
  /** Checked before it runs; a role without it gets an error result, not a 403. */
  permission?: Permission;
  run(scope: ToolScope, input: z.output<S>): Promise<ToolAnswer>;
}

/** `data` goes to the model; an `action` (a proposal) also goes to the user. */
export interface ToolAnswer {
  data: unknown;
  action?: AiActionView;
}

export const assistantTool = <S extends z.ZodType>(tool: AssistantTool<S>) => tool as unknown as AssistantTool;

/** The JSON Schema of a tool's arguments, as the model is offered it. */
export function parametersOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return rest;
}

/** Record ids as the tools take them; the model copies them from earlier results. */
export const RecordId = z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_-]+$/, "A record id from an earlier tool result");
