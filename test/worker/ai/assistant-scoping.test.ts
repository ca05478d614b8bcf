import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { addMember, registerAccount, type Account } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";
import { callSid, createProvider } from "../../telephony-helpers";
import { scriptFake } from "../../fakes/openai-fixtures";
import { openTicketVia } from "../support/support-helpers";
import { connectFakeAi } from "./ai-helpers";
import { ask, chatRequests, doneOf, eventsNamed, startConversation, toolMessagesSent, type Answer } from "./assistant-helpers";

/**
 * An organization that shows agents only their own records. Agents A and B
 * each own a deal, a contact with a note, a ticket and a call, all named
 * after them (Aurora, Borealis); another organization has a Borealis deal too.
 */
async function restrictedDesk(label: string) {
  const owner = await registerAccount(label);
  await restrictToOwnRecords(owner);
  const manager = await addMember(owner, "manager", `${label}m`);
  const a = await addMember(owner, "agent", `${label}a`);
  const b = await addMember(owner, "agent", `${label}b`);
  const key = await connectFakeAi(owner);
  const provider = await createProvider(owner);
  const own = async (agent: Account, name: string, phone: string) => {
    const deal = await create("/api/deals", agent.token, { title: `${name} expansion`, amount: 7000 });
    const contact = await create("/api/contacts", agent.token, { firstName: name, lastName: "Contact" });
    const note = await create("/api/activities", agent.token, { type: "note", subject: `${name} call notes`, body: `${name} wants a discount`, contactId: contact.id });
    const ticket = await openTicketVia(manager, { subject: `${name} printer jam`, assigneeId: agent.userId });
    const { call } = await applyCallEvent(env, owner.orgId, {
      providerId: provider.id, providerCallId: callSid(), direction: "inbound", from: phone, to: "+14155550100", status: "in_progress", at: Date.now(), agentUserId: agent.userId,
    });
    return { deal, contact, note, ticket, call: call!, phone };
  };
  const mine = await own(a, "Aurora", "+14155550111");
  const theirs = await own(b, "Borealis", "+14155550122");
  const stranger = await registerAccount(`${label}x`);
  const elsewhere = await create("/api/deals", stranger.token, { title: "Borealis elsewhere" });
  return { owner, manager, a, b, key, mine, theirs, elsewhere };
}

type Desk = Awaited<ReturnType<typeof restrictedDesk>>;

/** Everything the agent A may not learn about: B's records and the other organization's. */
const secrets = (d: Desk) => ["Borealis", d.theirs.deal.id, d.theirs.contact.id, d.theirs.note.id, d.theirs.ticket.id, d.theirs.call.id, d.theirs.phone, d.elsewhere.id];

/** Every tool A's model could use, aimed at A's records, B's and the other organization's. */
const probe = (d: Desk) => [
  { name: "search_records", arguments: { query: "expansion" } },
  { name: "search_records", arguments: { query: "Borealis" } },
  { name: "search_records", arguments: { query: "printer", types: ["ticket"] } },
  { name: "search_records", arguments: { query: "4155550", types: ["call"] } },
  { name: "list_deals", arguments: { owner: "anyone" } },
  { name: "get_record", arguments: { type: "deal", id: d.theirs.deal.id } },
  { name: "get_record", arguments: { type: "deal", id: d.elsewhere.id } },
  { name: "get_record", arguments: { type: "ticket", id: d.theirs.ticket.id } },
  { name: "get_record", arguments: { type: "contact", id: d.theirs.contact.id } },
  { name: "get_record", arguments: { type: "call", id: d.theirs.call.id } },
  { name: "list_activities", arguments: { recordType: "contact", recordId: d.theirs.contact.id } },
  { name: "list_activities", arguments: { recordType: "contact", recordId: d.mine.contact.id } },
  { name: "pipeline_summary", arguments: {} },
  { name: "ticket_summary", arguments: {} },
];

const citedIds = (answer: Answer) => doneOf(answer).citations.map((c) => c.id).sort();

describe("the assistant sees only what its user may see", () => {
  it("gives an agent restricted to their own records only theirs, through every tool, and never cites anyone else's", async () => {
    const d = await restrictedDesk("scope");
    await scriptFake(d.key, [
      { toolCalls: probe(d) },
      { text: `{{cite_all}}\nAlso [[deal:${d.theirs.deal.id}]] [[ticket:${d.theirs.ticket.id}]] [[deal:${d.elsewhere.id}]]` },
    ]);
    const answer = await ask(d.a, await startConversation(d.a), "Show me everything about expansion, Borealis and printers");
    expect(answer.status).toBe(200);

    const sent = await toolMessagesSent(d.key);
    for (const secret of secrets(d)) expect(sent, secret).not.toContain(secret);
    for (const visible of ["Aurora expansion", "Aurora printer jam", "Aurora wants a discount", d.mine.call.id]) expect(sent).toContain(visible);

    const results = eventsNamed(answer.events, "tool_result");
    expect(results).toHaveLength(probe(d).length);
    const refused = results.filter((r) => r.error).map((r) => r.error);
    expect(refused).toHaveLength(6);
    for (const error of refused) expect(error).toMatch(/not found/i);
    const summaries = (await chatRequests(d.key))[1]!.messages.filter((m) => m.role === "tool").slice(-2).map((m) => JSON.parse(String(m.content)).data);
    expect(summaries[0].byStatus.open.count).toBe(1);
    expect(Object.values(summaries[1].byStatus as Record<string, number>).reduce((n, c) => n + c, 0)).toBe(1);

    const mineIds = [d.mine.deal.id, d.mine.ticket.id, d.mine.call.id, d.mine.contact.id, d.mine.note.id];
    expect(citedIds(answer).every((id) => mineIds.includes(id))).toBe(true);
    expect(citedIds(answer)).toEqual(expect.arrayContaining([d.mine.deal.id, d.mine.ticket.id, d.mine.call.id, d.mine.note.id]));
    const streamed = eventsNamed(answer.events, "delta").map((e) => e.text).join("");
    for (const text of [streamed, doneOf(answer).message.content, JSON.stringify(eventsNamed(answer.events, "tool_result"))]) {
      for (const secret of secrets(d)) expect(text).not.toContain(secret);
    }
  });

  it("gives a manager in the same organization both agents' records, and still nothing of another organization", async () => {
    const d = await restrictedDesk("mgr");
    await scriptFake(d.key, [{ toolCalls: probe(d) }, { text: "{{cite_all}}" }]);
    const answer = await ask(d.manager, await startConversation(d.manager), "Show me everything");
    const sent = await toolMessagesSent(d.key);
    for (const seen of ["Aurora expansion", "Borealis expansion", "Borealis printer jam", "Borealis wants a discount", d.theirs.call.id, d.mine.call.id]) expect(sent).toContain(seen);
    expect(sent).not.toContain("Borealis elsewhere");
    expect(sent).not.toContain(d.elsewhere.id);
    expect(citedIds(answer)).toEqual(expect.arrayContaining([d.mine.deal.id, d.theirs.deal.id, d.theirs.ticket.id, d.theirs.contact.id]));
    expect(citedIds(answer)).not.toContain(d.elsewhere.id);
  });

  it("knows the record of the page the user is on, giving its text to the model only as a tool result, and ignores a page they may not see", async () => {
    const d = await restrictedDesk("page");
    await scriptFake(d.key, [{ text: "This deal: {{cite_all}}" }, { text: "I can't find that." }]);
    const conversation = await startConversation(d.a);
    const onMine = await ask(d.a, conversation, "What stage is this deal in?", { path: `/deals/${d.mine.deal.id}`, recordType: "deal", recordId: d.mine.deal.id });
    expect(eventsNamed(onMine.events, "tool_call")).toEqual([{ id: expect.any(String), name: "get_record", arguments: { type: "deal", id: d.mine.deal.id } }]);
    expect(doneOf(onMine).citations).toEqual([{ type: "deal", id: d.mine.deal.id, title: "Aurora expansion" }]);
    expect(doneOf(onMine).message.content).toBe(`This deal: - Aurora expansion [[deal:${d.mine.deal.id}]]`);
    const [first] = await chatRequests(d.key);
    const system = String(first!.messages[0]!.content);
    expect(first!.messages[0]!.role).toBe("system");
    expect(system).toContain(`[[deal:${d.mine.deal.id}]]`);
    expect(system).toContain("\"This deal\"");
    for (const m of first!.messages.filter((m) => m.role !== "tool")) expect(String(m.content ?? "")).not.toContain("Aurora");
    expect(first!.messages.filter((m) => m.role === "tool").map((m) => String(m.content)).join()).toContain("Aurora expansion");

    const onTheirs = await ask(d.a, conversation, "And this one?", { path: `/deals/${d.theirs.deal.id}`, recordType: "deal", recordId: d.theirs.deal.id });
    expect(eventsNamed(onTheirs.events, "tool_call")).toEqual([]);
    const second = (await chatRequests(d.key))[1]!;
    expect(String(second.messages[0]!.content)).not.toContain(d.theirs.deal.id);
    expect(JSON.stringify(second.messages)).not.toContain("Borealis");
    const stored = eventsNamed(onTheirs.events, "message")[0]!;
    expect(stored.context).toEqual({ path: `/deals/${d.theirs.deal.id}`, recordType: "deal", recordId: d.theirs.deal.id });
  });
});
