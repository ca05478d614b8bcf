import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { AppError } from "../../platform/errors";
import { publishEvent } from "../../platform/room-rpc";
import { ticketAudience } from "../../support";
import type { SupportTicket } from "../../../schema";
import type { DraftStreamEvents } from "../../../schema/ai-api";
import type { SendEvent } from "../ai-event-stream";
import type { ChatEvent, ChatModel, ChatUsage } from "../providers/ai-provider";
import { estimateTokens } from "../providers/token-estimate";
import { recordAiUsage } from "../usage/ai-usage";
import { citationLinker } from "./draft-citation-links";
import { ticketDraftContext } from "./ticket-draft-context";
import { ticketDraftMessages } from "./ticket-draft-prompt";

/**
 * A reply draft for a ticket, streamed to the agent who asked. The draft is
 * only text for the agent to edit and send: nothing is saved on the ticket.
 * The model is called before the stream opens, so a provider that refuses or
 * cannot be reached answers as an ordinary 502; once text flows, a failure
 * becomes the stream's `error` event. Every call is metered, a stopped one
 * by what it had used, and a finished draft tells the ticket's audience.
 */
export interface TicketDraftRequest {
  orgId: string;
  userId: string;
  ticket: SupportTicket;
  chat: ChatModel;
  /** Where this app is served, for the help center's links. */
  origin: string;
  /** The agent's wishes for this draft, e.g. "shorter", "in Spanish". */
  instructions?: string;
}

type DraftEnv = Pick<Env, "DB" | "ORG_ROOM">;

const MAX_DRAFT_TOKENS = 1_200;
const HEADLINE_CHARS = 120;

export async function startTicketReplyDraft(env: DraftEnv, db: Db, request: TicketDraftRequest) {
  const { orgId, userId, ticket, chat } = request;
  const context = await ticketDraftContext(db, orgId, ticket, request.origin);
  const messages = ticketDraftMessages(context.data, request.instructions);
  const stop = new AbortController();
  const events = chat.stream({ messages, maxTokens: MAX_DRAFT_TOKENS, temperature: 0.3, signal: stop.signal })[Symbol.asyncIterator]();
  const first = await events.next();

  return async function stream(send: SendEvent<DraftStreamEvents>, signal: AbortSignal) {
    signal.addEventListener("abort", () => stop.abort());
    const linker = citationLinker(context.sources);
    let written = "";
    let draft = "";
    let usage: ChatUsage | null = null;
    const emit = async (text: string) => {
      if (!text) return;
      draft += text;
      await send("delta", { text });
    };
    try {
      for (let step: IteratorResult<ChatEvent> = first; !step.done; step = await events.next()) {
        const event = step.value;
        if (event.type === "delta") {
          written += event.text;
          await emit(linker.push(event.text));
        } else if (event.type === "done") {
          usage = event.usage;
        }
      }
      await emit(linker.end());
    } finally {
      // Tokens were spent even when the agent stopped the draft or the provider dropped it.
      usage ??= { inputTokens: estimateTokens(messages.map((m) => m.content).join("\n")), outputTokens: estimateTokens(written) };
      await recordAiUsage(db, { orgId, userId, feature: "ticket_draft", provider: chat.provider, model: chat.model, ...usage });
    }
    if (signal.aborted) return;
    draft = draft.trim();
    if (!draft) throw new AppError("provider_error", "The model answered with an empty draft; try again");
    await send("done", { draft, citations: linker.citations() });
    await announceDraft(env, orgId, ticket, userId);
  };
}

/** `ai_insight` to the members who may see the ticket; best effort, since the draft is already in the agent's hands. */
async function announceDraft(env: DraftEnv, orgId: string, ticket: SupportTicket, by: string) {
  try {
    const { userIds } = await ticketAudience(env, orgId, ticket);
    if (userIds?.length === 0) return;
    const title = `#${ticket.number} ${ticket.subject}`;
    await publishEvent(
      env,
      orgId,
      "ai_insight",
      {
        kind: "ticket_reply_draft",
        record: { type: "ticket", id: ticket.id, title },
        headline: `Reply drafted for ${title}`.slice(0, HEADLINE_CHARS),
        by,
      },
      userIds,
    );
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "ai_insight failed", orgId, ticketId: ticket.id, err: String(err) }));
  }
}
