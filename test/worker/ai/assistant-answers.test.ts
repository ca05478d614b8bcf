import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create } from "../../record-helpers";
import { scriptFake } from "../../fakes/openai-fixtures";
import { connectFakeAi } from "./ai-helpers";
import { ask, chatRequests, dayInMonth, doneOf, eventsNamed, startConversation } from "./assistant-helpers";

/** Far from UTC, so "this month" is the organization's month and not the test machine's or the server's. */
const ZONE = "Pacific/Kiritimati";

async function inZone(owner: Account, timeZone = ZONE) {
  const res = await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { timeZone } } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

const ids = (list: { id: string }[]) => list.map((x) => x.id);

describe("the assistant answers from its tools", () => {
  it("tells a new user which of their deals close this month, citing exactly those deals", async () => {
    const owner = await registerAccount("asst");
    await inZone(owner);
    const colleague = await addMember(owner, "agent", "colleague");
    const key = await connectFakeAi(owner);
    const deal = (title: string, closeDate: string, extra: Record<string, unknown> = {}) =>
      create("/api/deals", owner.token, { title, amount: 5000, closeDate, ...extra });
    const first = await deal("Kiritimati kiosk", dayInMonth(ZONE, 0, 1));
    const last = await deal("Lagoon lodge", dayInMonth(ZONE, 0, 28));
    const nextMonth = await deal("Next month retainer", dayInMonth(ZONE, 1, 10));
    const lastMonth = await deal("Last month pilot", dayInMonth(ZONE, -1, 15));
    const theirs = await deal("Colleague contract", dayInMonth(ZONE, 0, 14), { ownerId: colleague.userId });

    await scriptFake(key, [
      { toolCalls: [{ name: "list_deals", arguments: { owner: "me", closing: "this_month" } }] },
      { text: "Closing this month:\n{{cite_all}}" },
    ]);
    const conversation = await startConversation(owner);
    const answer = await ask(owner, conversation, "Which of my deals close this month?");
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.contentType).toContain("text/event-stream");

    const names = answer.events.map((e) => e.event);
    expect(names[0]).toBe("message");
    expect(names.indexOf("tool_call")).toBeLessThan(names.indexOf("tool_result"));
    expect(names.indexOf("tool_result")).toBeLessThan(names.indexOf("delta"));
    expect(names.at(-1)).toBe("done");
    expect(eventsNamed(answer.events, "message")[0]).toMatchObject({ role: "user", content: "Which of my deals close this month?" });
    const [call] = eventsNamed(answer.events, "tool_call");
    expect(call).toMatchObject({ name: "list_deals", arguments: { owner: "me", closing: "this_month" } });
    const [result] = eventsNamed(answer.events, "tool_result");
    expect(result).toMatchObject({ id: call!.id, name: "list_deals" });
    expect(ids(result!.citations)).toEqual([first.id, last.id]);

    const done = doneOf(answer);
    expect(done.citations).toEqual([
      { type: "deal", id: first.id, title: "Kiritimati kiosk" },
      { type: "deal", id: last.id, title: "Lagoon lodge" },
    ]);
    const streamed = eventsNamed(answer.events, "delta").map((d) => d.text).join("");
    expect(streamed).toBe(done.message.content);
    expect(done.message.content).toContain(`Kiritimati kiosk [[deal:${first.id}]]`);
    expect(done.message.content).toContain(`Lagoon lodge [[deal:${last.id}]]`);

    const [offer, followUp] = await chatRequests(key);
    const offered = (offer!.body.tools as { function: { name: string; parameters: { properties: object } } }[]).map((t) => t.function.name);
    expect(offered).toEqual(expect.arrayContaining(["search_records", "get_record", "list_deals", "list_activities", "pipeline_summary", "ticket_summary", "create_task", "log_note", "move_deal", "draft_email"]));
    const listDeals = (offer!.body.tools as { function: { name: string; parameters: { properties: Record<string, unknown> } } }[]).find((t) => t.function.name === "list_deals");
    expect(Object.keys(listDeals!.function.parameters.properties)).toEqual(["owner", "closing", "status", "stageName", "limit"]);
    const toolMessages = followUp!.messages.filter((m) => m.role === "tool");
    expect(toolMessages).toHaveLength(1);
    const sent = JSON.parse(String(toolMessages[0]!.content));
    expect(ids(sent.data.deals)).toEqual([first.id, last.id]);
    expect(sent.data.deals[0]).toMatchObject({ title: "Kiritimati kiosk", cite: `[[deal:${first.id}]]`, amount: 5000, currency: "USD", stage: "Lead" });
    for (const other of [nextMonth, lastMonth, theirs]) expect(toolMessages[0]!.content).not.toContain(other.id);
  });

  it("keeps the conversation, its usage metered per round, and gives it back on the next question", async () => {
    const owner = await registerAccount("replay");
    const key = await connectFakeAi(owner);
    const deal = await create("/api/deals", owner.token, { title: "Replay renewal", amount: 900 });
    await scriptFake(key, [
      { toolCalls: [{ name: "get_record", arguments: { type: "deal", id: deal.id } }] },
      { text: `Replay renewal is in Lead [[deal:${deal.id}]].` },
      { text: `Still in Lead [[deal:${deal.id}]].` },
    ]);
    const conversation = await startConversation(owner);
    expect(doneOf(await ask(owner, conversation, "Where is the replay deal?")).citations).toEqual([{ type: "deal", id: deal.id, title: "Replay renewal" }]);
    const again = doneOf(await ask(owner, conversation, "And now?"));
    // Cited from the earlier tool result in this conversation: still allowed.
    expect(again.citations).toEqual([{ type: "deal", id: deal.id, title: "Replay renewal" }]);

    const requests = await chatRequests(key);
    expect(requests).toHaveLength(3);
    const replayed = requests[2]!.messages.map((m) => m.role);
    expect(replayed).toEqual(["system", "user", "assistant", "tool", "assistant", "user"]);
    const usage = await env.DB.prepare("SELECT count(*) AS n, sum(input_tokens) AS tokens FROM ai_usage WHERE org_id = ? AND feature = 'assistant'").bind(owner.orgId).first<{ n: number; tokens: number }>();
    expect(usage!.n).toBe(3);
    expect(usage!.tokens).toBeGreaterThan(0);

    const detail = await api(`/api/ai/conversations/${conversation}`, { token: owner.token });
    expect(detail.status).toBe(200);
    expect(detail.body.data.title).toBe("Where is the replay deal?");
    const shown = detail.body.data.messages.map((m: { role: string; content: string; toolCalls: unknown[] }) => [m.role, m.content, m.toolCalls.length]);
    expect(shown).toEqual([
      ["user", "Where is the replay deal?", 0],
      ["assistant", "", 1],
      ["assistant", `Replay renewal is in Lead [[deal:${deal.id}]].`, 0],
      ["user", "And now?", 0],
      ["assistant", `Still in Lead [[deal:${deal.id}]].`, 0],
    ]);
    expect(detail.body.data.actions).toEqual([]);
  });

  it("answers \"I can't find that\" from an empty result, and cuts a marker no tool returned", async () => {
    const owner = await registerAccount("nothing");
    const key = await connectFakeAi(owner);
    const hidden = await create("/api/deals", owner.token, { title: "Never looked up" });
    await scriptFake(key, [
      { toolCalls: [{ name: "search_records", arguments: { query: "zyzzyva" } }] },
      { text: `{{cite_all}} Maybe [[deal:${hidden.id}]] or [[deal:made-up-id]]?` },
    ]);
    const answer = await ask(owner, await startConversation(owner), "Anything about zyzzyva?");
    const done = doneOf(answer);
    expect(done.message.content).toBe("I can't find that. Maybe  or ?");
    expect(done.citations).toEqual([]);
    expect(eventsNamed(answer.events, "delta").map((d) => d.text).join("")).not.toContain("[[");
  });
});

describe("the assistant's conversations", () => {
  it("lists and replays only your own; another member's or organization's answers 404", async () => {
    const owner = await registerAccount("mine");
    const member = await addMember(owner, "manager");
    const stranger = await registerAccount("stranger");
    const older = await startConversation(owner, "Older");
    const newer = await startConversation(owner, "Newer");
    const theirs = await startConversation(member, "Theirs");

    const list = await api("/api/ai/conversations?per_page=1", { token: owner.token });
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ page: 1, per_page: 1, total: 2 });
    expect(ids(list.body.data)).toEqual([newer]);
    expect(ids((await api("/api/ai/conversations?page=2&per_page=1", { token: owner.token })).body.data)).toEqual([older]);
    expect(ids((await api("/api/ai/conversations", { token: member.token })).body.data)).toEqual([theirs]);
    expect((await api("/api/ai/conversations", { token: stranger.token })).body.meta.total).toBe(0);

    for (const [who, id] of [[member, older], [stranger, older], [owner, theirs]] as const) {
      expectError(await api(`/api/ai/conversations/${id}`, { token: who.token }), 404, "not_found");
      expectError(await api(`/api/ai/conversations/${id}`, { method: "DELETE", token: who.token }), 404, "not_found");
      const asked = await ask(who, id, "What is in here?");
      expect(asked.status).toBe(404);
      expect(asked.body.error.code).toBe("not_found");
    }
    expect((await api(`/api/ai/conversations/${older}`, { token: owner.token })).body.data).toMatchObject({ id: older, title: "Older", messages: [], actions: [] });

    expect((await api(`/api/ai/conversations/${older}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/ai/conversations/${older}`, { token: owner.token }), 404, "not_found");
  });

  it("says how to turn AI on, 409 not_configured before any stream, and stores nothing", async () => {
    const owner = await registerAccount("noai");
    const conversation = await startConversation(owner);
    const answer = await ask(owner, conversation, "Hello?");
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe("not_configured");
    expect(answer.body.error.message).toContain("Settings → AI");
    expect((await api(`/api/ai/conversations/${conversation}`, { token: owner.token })).body.data.messages).toEqual([]);
  });

  it("refuses a question with 429 before the stream once the monthly budget is spent, and with 400 an empty or overlong one", async () => {
    const owner = await registerAccount("spent");
    const key = await connectFakeAi(owner, { monthlyTokenBudget: 0 });
    const conversation = await startConversation(owner);
    const answer = await ask(owner, conversation, "Anything?");
    expect(answer.status).toBe(429);
    expect(answer.body.error.code).toBe("rate_limited");
    expect(await chatRequests(key)).toEqual([]);
    for (const content of ["   ", "x".repeat(4001)]) expect((await ask(owner, conversation, content)).status).toBe(400);
    expect((await api(`/api/ai/conversations/${conversation}`, { token: owner.token })).body.data.messages).toEqual([]);
  });

  it("ends with an error event when the budget runs out between rounds", async () => {
    const owner = await registerAccount("between");
    const key = await connectFakeAi(owner, { monthlyTokenBudget: 1 });
    await scriptFake(key, [{ toolCalls: [{ name: "pipeline_summary", arguments: {} }] }, { text: "Never sent" }]);
    const answer = await ask(owner, await startConversation(owner), "How is the pipeline?");
    expect(answer.status).toBe(200);
    expect(eventsNamed(answer.events, "error")).toEqual([{ code: "rate_limited", message: expect.stringContaining("monthly AI budget") }]);
    expect(eventsNamed(answer.events, "done")).toEqual([]);
    expect(await chatRequests(key)).toHaveLength(1);
  });

  it("turns a provider failure midway into an error event and leaves a conversation that carries on", async () => {
    const owner = await registerAccount("midway");
    const key = await connectFakeAi(owner);
    await scriptFake(key, [
      { toolCalls: [{ name: "pipeline_summary", arguments: {} }] },
      { error: { status: 400, message: "This model's maximum context length is exceeded" } },
      { text: "Back again." },
    ]);
    const conversation = await startConversation(owner);
    const failed = await ask(owner, conversation, "How is the pipeline?");
    expect(failed.status).toBe(200);
    expect(failed.events.map((e) => e.event)).toEqual(["message", "tool_call", "tool_result", "error"]);
    expect(eventsNamed(failed.events, "error")[0]).toMatchObject({ code: "provider_error", message: expect.stringContaining("400") });

    const next = doneOf(await ask(owner, conversation, "Try again?"));
    expect(next.message.content).toBe("Back again.");
    const last = (await chatRequests(key)).at(-1)!;
    const calls = last.messages.flatMap((m) => (m.tool_calls ?? []) as { id: string }[]).map((c) => c.id);
    const answered = last.messages.filter((m) => m.role === "tool").map((m) => m.tool_call_id);
    expect(calls).toHaveLength(1);
    expect(answered).toEqual(calls);
  });
});
