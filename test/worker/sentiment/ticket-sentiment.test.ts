import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { commentOnTicket } from "../../../worker/support/tickets/ticket-flow";
import { addMember, api, expectError, registerAccount, uniqueIp, type Account } from "../../helpers";
import { orgSlug } from "../support/kb-helpers";
import { openTicketVia } from "../support/support-helpers";

/** A customer's reply by mail, through the same service the email handler calls. */
const customerWrites = (account: Account, ticketId: string, body: string) =>
  commentOnTicket(env, account.orgId, { userId: null }, ticketId, { kind: "public", body, authorType: "email", authorEmail: "pat@example.com", authorName: "Pat" });

const ANGRY = "This is the third time I'm writing. Your service is broken and completely unacceptable!";
const FURIOUS = "Still broken. Terrible support, I am cancelling and want a refund.";
const THANKS = "Thank you so much, that fixed it! Great support.";

async function ticketOf(account: Account, id: string) {
  const res = await api(`/api/support/tickets/${id}`, { token: account.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

const rows = async (sql: string, ...params: unknown[]) => (await env.DB.prepare(sql).bind(...params).all<Record<string, any>>()).results;

const RULE = { enabled: true, threshold: -0.3, raisePriority: true, notifyTeamLead: true };

async function setRule(owner: Account, rule: typeof RULE) {
  const res = await api("/api/support/settings", { method: "PATCH", token: owner.token, body: { sentimentEscalation: rule } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.data;
}

/** An organization with the rule on, a team whose lead is a manager, and an agent's ticket in that team. */
async function escalationSetup(label: string, rule = RULE) {
  const owner = await registerAccount(label);
  const lead = await addMember(owner, "manager", `${label}lead`);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const team = await api("/api/support/teams", { token: owner.token, body: { name: "Tier 1", memberIds: [agent.userId], leadUserId: lead.userId } });
  expect(team.status, JSON.stringify(team.body)).toBe(201);
  expect(team.body.data.leadUserId).toBe(lead.userId);
  await setRule(owner, rule);
  const ticket = await openTicketVia(agent, { teamId: team.body.data.id, assigneeId: agent.userId, priority: "normal" });
  return { owner, lead, agent, ticket };
}

describe("sentiment on ticket conversations", () => {
  it("stores the judged sentiment with its model on a customer's comment, never on an agent's", async () => {
    const owner = await registerAccount("sentc");
    const ticket = await openTicketVia(owner);
    expect(ticket.sentiment).toBeNull();
    const { comment, after } = await customerWrites(owner, ticket.id, ANGRY);
    expect(comment.sentiment).toMatchObject({ label: "negative", model: "vader" });
    expect(after.sentiment).toMatchObject({ label: "negative", messages: 1, model: "vader", trend: "steady" });

    const reply = await api(`/api/support/tickets/${ticket.id}/comments`, { token: owner.token, body: { kind: "public", body: "This is terrible, sorry! We are on it." } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const detail = await ticketOf(owner, ticket.id);
    expect(detail.sentiment).toEqual(after.sentiment);
    const [customer, agent] = detail.comments;
    expect(customer.sentiment).toMatchObject({ label: "negative", model: "vader" });
    expect(agent.sentiment).toBeNull();
  });

  it("rolls a conversation up, recent messages weighing more, with its trend", async () => {
    const owner = await registerAccount("sentr");
    const ticket = await openTicketVia(owner);
    const first = (await customerWrites(owner, ticket.id, THANKS)).after.sentiment;
    expect(first).toMatchObject({ label: "positive", trend: "steady", messages: 1 });
    const second = (await customerWrites(owner, ticket.id, FURIOUS)).after.sentiment;
    expect(second).toMatchObject({ label: "negative", trend: "worsening", messages: 2 });
    expect(second!.score).toBeGreaterThan(-1);
    const third = (await customerWrites(owner, ticket.id, THANKS)).after.sentiment;
    expect(third).toMatchObject({ trend: "improving", messages: 3 });
    expect(third!.score).toBeGreaterThan(second!.score);
  });

  it("judges the message that opens a ticket from the help center", async () => {
    const owner = await registerAccount("senth");
    const slug = await orgSlug(owner);
    const res = await api(`/api/help/${slug}/tickets`, {
      body: { name: "Pat Doe", email: "pat@example.com", subject: "Export broken", message: "The export fails every time and we lost a day of work. Awful." },
      headers: { "cf-connecting-ip": uniqueIp() },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const list = await api("/api/support/tickets", { token: owner.token });
    expect(list.body.data[0].sentiment).toMatchObject({ label: "negative", messages: 1, model: "vader" });
  });

  it("a ticket an agent opens on a customer's behalf is not judged", async () => {
    const owner = await registerAccount("senta");
    const ticket = await openTicketVia(owner, { description: "Customer says everything is terrible and broken" });
    expect(ticket.sentiment).toBeNull();
  });
});

describe("the escalation rule", () => {
  it("escalates once when the conversation crosses the threshold: priority up, team lead told, insight raised, audited as the system", async () => {
    const { owner, lead, ticket } = await escalationSetup("senesc");
    const calm = await customerWrites(owner, ticket.id, "Could you tell me when the export will be fixed?");
    expect(calm.after.priority).toBe("normal");

    const turned = await customerWrites(owner, ticket.id, ANGRY);
    expect(turned.after.sentiment!.score).toBeLessThanOrEqual(-0.3);
    expect(turned.after.priority).toBe("high");
    const notes = await rows("SELECT * FROM notifications WHERE org_id = ? AND user_id = ? AND type = 'ticket_escalation'", owner.orgId, lead.userId);
    expect(notes).toHaveLength(1);
    expect(notes[0]!.link).toBe(`/support/tickets/${ticket.id}`);
    const insights = await rows("SELECT * FROM insights WHERE org_id = ? AND kind = 'ticket_escalation'", owner.orgId);
    expect(insights).toHaveLength(1);
    expect(insights[0]!.record_id).toBe(ticket.id);
    const evidence = JSON.parse(insights[0]!.evidence);
    expect(evidence).toContainEqual({ type: "comment", id: turned.comment.id, title: "Customer message", detail: ANGRY });
    const audit = await rows("SELECT * FROM audit_log WHERE org_id = ? AND action = 'sentiment_escalation'", owner.orgId);
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor_id).toBeNull();
    expect(JSON.parse(audit[0]!.changes)).toMatchObject({ priority: { from: "normal", to: "high" }, notified: lead.userId, commentId: turned.comment.id });

    // Still negative: not a transition, nothing more happens.
    const again = await customerWrites(owner, ticket.id, FURIOUS);
    expect(again.after.priority).toBe("high");
    expect(await rows("SELECT id FROM notifications WHERE org_id = ? AND type = 'ticket_escalation'", owner.orgId)).toHaveLength(1);
    expect(await rows("SELECT id FROM audit_log WHERE org_id = ? AND action = 'sentiment_escalation'", owner.orgId)).toHaveLength(1);
  });

  it("agents' comments never escalate, however negative", async () => {
    const { owner, agent, ticket } = await escalationSetup("senag");
    const res = await api(`/api/support/tickets/${ticket.id}/comments`, { token: agent.token, body: { kind: "public", body: "This is terrible and awful, I hate this broken product." } });
    expect(res.status).toBe(201);
    const detail = await ticketOf(owner, ticket.id);
    expect(detail).toMatchObject({ priority: "normal", sentiment: null });
    expect(await rows("SELECT id FROM notifications WHERE org_id = ? AND type = 'ticket_escalation'", owner.orgId)).toHaveLength(0);
  });

  it("does nothing when the rule is off, though the sentiment is still recorded", async () => {
    const { owner, ticket } = await escalationSetup("senoff", { ...RULE, enabled: false });
    const { after } = await customerWrites(owner, ticket.id, ANGRY);
    expect(after.sentiment!.label).toBe("negative");
    expect(after.priority).toBe("normal");
    expect(await rows("SELECT id FROM insights WHERE org_id = ? AND kind = 'ticket_escalation'", owner.orgId)).toHaveLength(0);
  });

  it("raises the insight without touching priority or notifying when those parts are off", async () => {
    const { owner, ticket } = await escalationSetup("senpart", { ...RULE, raisePriority: false, notifyTeamLead: false });
    const { after } = await customerWrites(owner, ticket.id, ANGRY);
    expect(after.priority).toBe("normal");
    expect(await rows("SELECT id FROM notifications WHERE org_id = ? AND type = 'ticket_escalation'", owner.orgId)).toHaveLength(0);
    expect(await rows("SELECT id FROM insights WHERE org_id = ? AND kind = 'ticket_escalation'", owner.orgId)).toHaveLength(1);
  });
});

describe("sentiment settings", () => {
  it("answers the defaults: embedded model, rule off", async () => {
    const owner = await registerAccount("sentset");
    const res = await api("/api/support/settings", { token: owner.token });
    expect(res.body.data).toMatchObject({ sentimentModel: "embedded", sentimentEscalation: { enabled: false, threshold: -0.3, raisePriority: true, notifyTeamLead: true } });
  });

  it("refuses viewers and agents (403) and bad input (400), writing nothing", async () => {
    const owner = await registerAccount("sentperm");
    const viewer = await addMember(owner, "viewer", "sentv");
    const agent = await addMember(owner, "agent", "senta");
    const before = await rows("SELECT sentiment_model, sentiment_escalation, updated_at FROM support_settings WHERE org_id = ?", owner.orgId);
    for (const who of [viewer, agent]) {
      expectError(await api("/api/support/settings", { method: "PATCH", token: who.token, body: { sentimentModel: "llm", sentimentEscalation: RULE } }), 403, "forbidden");
    }
    expectError(await api("/api/support/settings", { method: "PATCH", token: owner.token, body: { sentimentEscalation: { ...RULE, threshold: 0.5 } } }), 400, "validation_error");
    expectError(await api("/api/support/settings", { method: "PATCH", token: owner.token, body: { sentimentModel: "gpt" } }), 400, "validation_error");
    expect(await rows("SELECT sentiment_model, sentiment_escalation, updated_at FROM support_settings WHERE org_id = ?", owner.orgId)).toEqual(before);
    expect(await api("/api/support/settings", { method: "PATCH", body: { sentimentModel: "llm" } })).toMatchObject({ status: 401 });
  });

  it("keeps each organization's rule its own and refuses another organization's member as team lead", async () => {
    const a = await registerAccount("sentta");
    const b = await registerAccount("senttb");
    await setRule(a, RULE);
    expect((await api("/api/support/settings", { token: b.token })).body.data.sentimentEscalation.enabled).toBe(false);
    const team = await api("/api/support/teams", { token: a.token, body: { name: "Tier 2", leadUserId: b.userId } });
    expect(team.status).toBeGreaterThanOrEqual(400);
    expect(team.status).toBeLessThan(500);
    expect(await rows("SELECT id FROM support_teams WHERE org_id = ?", a.orgId)).toHaveLength(0);
  });
});
