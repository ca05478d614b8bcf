import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { judgeTicketMessage } from "../../../worker/ai/sentiment/ticket-sentiment-job";
import { judgeTranscript } from "../../../worker/ai/transcripts/transcript-sentiment";
import { orgDb } from "../../../worker/platform/db";
import { commentOnTicket } from "../../../worker/support/tickets/ticket-flow";
import { TICKET_SENTIMENT_JOB } from "../../../schema/jobs";
import type { TranscriptSegment } from "../../../schema";
import { fakeRequests, scriptFake } from "../../fakes/openai-fixtures";
import { api, registerAccount, type Account } from "../../helpers";
import { connectFakeAi } from "../ai/ai-helpers";
import { openTicketVia } from "../support/support-helpers";

const rows = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).all<Record<string, any>>()).results;

async function chooseModel(owner: Account, sentimentModel: string) {
  const res = await api("/api/support/settings", { method: "PATCH", token: owner.token, body: { sentimentModel } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A customer's mail reply; with a remote model chosen it is written unjudged and a job is queued. */
async function customerReply(owner: Account, text: string) {
  const ticket = await openTicketVia(owner);
  const { comment, after } = await commentOnTicket(env, owner.orgId, { userId: null }, ticket.id, { kind: "public", body: text, authorType: "email", authorEmail: "pat@example.com" });
  return { ticket, comment, after };
}

/** The queued job, run here (a second delivery of it, from the queue itself, finds the message judged and does nothing). */
const runJob = (orgId: string, ticketId: string, commentId: string) => judgeTicketMessage(env, { type: TICKET_SENTIMENT_JOB, orgId, ticketId, commentId });

const storedSentiment = async (commentId: string) => {
  const [row] = await rows("SELECT sentiment FROM support_comments WHERE id = ?", commentId);
  return row?.sentiment ? JSON.parse(row.sentiment) : null;
};

describe("the chat model as the organization's sentiment judge", () => {
  it("judges after the write: the request reaches the model, usage is metered, the ticket rolls up with the model recorded", async () => {
    const owner = await registerAccount("senllm");
    const key = await connectFakeAi(owner);
    await chooseModel(owner, "llm");
    await scriptFake(key, [{ text: '{"results":[{"label":"negative","score":-0.85}]}' }]);
    const { ticket, comment, after } = await customerReply(owner, "We were billed twice and nobody answers.");
    expect(comment.sentiment).toBeNull();
    expect(after.sentiment).toBeNull();

    await runJob(owner.orgId, ticket.id, comment.id);
    expect(await storedSentiment(comment.id)).toEqual({ label: "negative", score: -0.85, model: "llm:fake-chat-1" });
    const detail = (await api(`/api/support/tickets/${ticket.id}`, { token: owner.token })).body.data;
    expect(detail.sentiment).toMatchObject({ label: "negative", score: -0.85, messages: 1, model: "llm:fake-chat-1" });

    const sent = await fakeRequests(key);
    expect(sent).toHaveLength(1);
    expect(JSON.stringify(sent[0]!.body)).toContain("We were billed twice and nobody answers.");
    const usage = await rows("SELECT * FROM ai_usage WHERE org_id = ? AND feature = 'sentiment'", owner.orgId);
    expect(usage).toHaveLength(1);
    expect(usage[0]).toMatchObject({ provider: "openai", model: "fake-chat-1" });

    // A second delivery of the same job changes nothing.
    await runJob(owner.orgId, ticket.id, comment.id);
    expect((await api(`/api/support/tickets/${ticket.id}`, { token: owner.token })).body.data.sentiment.messages).toBe(1);
  });

  it("falls back to the embedded model when the chat model errors, and records that VADER judged", async () => {
    const owner = await registerAccount("senllmfail");
    const key = await connectFakeAi(owner);
    await chooseModel(owner, "llm");
    await scriptFake(key, [{ error: { status: 400, message: "model exploded" } }]);
    const { ticket, comment } = await customerReply(owner, "Thank you so much, this is wonderful!");
    await runJob(owner.orgId, ticket.id, comment.id);
    expect(await storedSentiment(comment.id)).toMatchObject({ label: "positive", model: "vader" });
  });

  it("falls back to the embedded model when Workers AI is chosen but not the organization's provider", async () => {
    const owner = await registerAccount("senwai");
    await chooseModel(owner, "workers-ai");
    const { ticket, comment } = await customerReply(owner, "Awful service, still broken.");
    expect(comment.sentiment).toBeNull();
    await runJob(owner.orgId, ticket.id, comment.id);
    expect(await storedSentiment(comment.id)).toMatchObject({ label: "negative", model: "vader" });
  });
});

describe("call transcript sentiment", () => {
  it("judges the customer's segments (not the agent's) and rolls the call up", async () => {
    const owner = await registerAccount("sentr");
    const startedAt = Date.now() - 60_000;
    const segments: TranscriptSegment[] = [
      { speaker: "agent", start: 0, end: 2, text: "Thanks for calling, this is Sam. Terrible weather today!" },
      { speaker: "customer", start: 2, end: 5, text: "Hi, I need the invoice for March." },
      { speaker: "customer", start: 6, end: 9, text: "Honestly your billing is a mess and I am very frustrated." },
    ];
    const { segments: judged, sentiment } = await judgeTranscript(env, orgDb(env, owner.orgId), owner.orgId, segments, startedAt);
    expect(judged[0]!.sentiment).toBeUndefined();
    expect(judged[1]!.sentiment).toMatchObject({ label: "neutral", model: "vader" });
    expect(judged[2]!.sentiment).toMatchObject({ label: "negative", model: "vader" });
    expect(sentiment).toMatchObject({ label: "negative", trend: "worsening", messages: 2, at: startedAt + 6_000 });
  });

  it("judges every segment of a one-channel recording and leaves a call without customer speech unrolled", async () => {
    const owner = await registerAccount("sentr1");
    const one = await judgeTranscript(env, orgDb(env, owner.orgId), owner.orgId, [{ speaker: "speaker", start: 0, end: 1, text: "Great, thanks a lot!" }], 0);
    expect(one.sentiment).toMatchObject({ label: "positive", messages: 1 });
    const agentOnly = await judgeTranscript(env, orgDb(env, owner.orgId), owner.orgId, [{ speaker: "agent", start: 0, end: 1, text: "Hello?" }], 0);
    expect(agentOnly.sentiment).toBeNull();
  });
});
