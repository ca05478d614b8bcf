import { z } from "@hono/zod-openapi";
import { AI_ACTION_KINDS, AI_ACTION_STATUSES, type AiCitation } from "../../../schema";
import type { AiActionView, AiConversationDetail, AiConversationSummary, AiMessageView } from "../../../schema/ai-api";

/**
 * The assistant API's bodies and answers for the OpenAPI document, each
 * held to its contract in schema/ai-api.ts by a compile-time check, so the
 * two cannot drift apart.
 */

const CITATION_TYPES = ["deal", "contact", "company", "lead", "ticket", "call", "activity", "kb_article"] as const satisfies readonly AiCitation["type"][];

export const CitationSchema = z
  .object({ type: z.enum(CITATION_TYPES), id: z.string(), title: z.string() })
  .openapi("AiCitation", { description: "A record the answer is about, which the user may open" });

export const PageContextSchema = z
  .object({
    path: z.string().max(500).openapi({ example: "/deals/01J…" }),
    recordType: z.enum(CITATION_TYPES).optional(),
    recordId: z.string().min(1).max(64).optional(),
  })
  .strict()
  .openapi("AiPageContext", { description: "Where the user is: on a deal's page, \"this deal\" means that deal" });

export const ToolCallSchema = z.object({ id: z.string(), name: z.string(), arguments: z.string().openapi({ description: "The model's JSON arguments, as sent" }) });

export const MessageSchema = z
  .object({
    id: z.string(),
    role: z.enum(["user", "assistant"]),
    content: z.string().openapi({ description: "Text with `[[type:id]]` citation markers" }),
    citations: z.array(CitationSchema),
    toolCalls: z.array(ToolCallSchema),
    context: PageContextSchema.nullable(),
    createdAt: z.number().int(),
  })
  .openapi("AiMessage");

export const ActionSchema = z
  .object({
    id: z.string(),
    kind: z.enum(AI_ACTION_KINDS),
    summary: z.string(),
    input: z.record(z.string(), z.unknown()),
    status: z.enum(AI_ACTION_STATUSES),
    result: z.record(z.string(), z.unknown()).nullable().openapi({ description: "What the confirmed action made (`{type, id}`), or `{error}`" }),
    createdAt: z.number().int(),
    resolvedAt: z.number().int().nullable(),
  })
  .openapi("AiAction", { description: "A change the assistant proposed; it runs only when its user confirms it" });

export const ConversationSchema = z
  .object({ id: z.string(), title: z.string(), createdAt: z.number().int(), updatedAt: z.number().int() })
  .openapi("AiConversation");

export const ConversationDetailSchema = ConversationSchema.extend({
  messages: z.array(MessageSchema),
  actions: z.array(ActionSchema),
}).openapi("AiConversationDetail");

export const NewConversationBody = z.object({ title: z.string().trim().min(1).max(200).optional() }).strict().openapi("AiConversationCreate");

export const QuestionBody = z
  .object({
    content: z.string().trim().min(1).max(4000),
    context: PageContextSchema.optional(),
  })
  .strict()
  .openapi("AiQuestion");

export const ActionParams = z.object({
  id: z.string().min(1).max(64).openapi({ param: { name: "id", in: "path" } }),
  actionId: z.string().min(1).max(64).openapi({ param: { name: "actionId", in: "path" } }),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const contractsHold: [
  Same<z.infer<typeof MessageSchema>, AiMessageView>,
  Same<z.infer<typeof ActionSchema>, AiActionView>,
  Same<z.infer<typeof ConversationSchema>, AiConversationSummary>,
  Same<z.infer<typeof ConversationDetailSchema>, AiConversationDetail>,
] = [true, true, true, true];
