import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import PostalMime from "postal-mime";
import { describe, expect, inject, it } from "vitest";
import { activities, memberships, notifications, type WorkflowAction } from "../../../schema";
import { FAKE_MAILGUN } from "../../fakes/email-api-fixtures";
import { addMember, api, registerAccount } from "../../helpers";
import { create, testDb } from "../../record-helpers";
import { actionContext, run } from "./actions-fixture";

describe("assign_owner", () => {
  it("goes round robin over the listed members in order, wrapping, with one cursor per workflow step", async () => {
    const owner = await registerAccount();
    const [a, b, c] = [await addMember(owner, "agent", "a"), await addMember(owner, "agent", "b"), await addMember(owner, "agent", "c")];
    const workflowId = crypto.randomUUID();
    const picked: string[] = [];
    for (let i = 0; i < 4; i++) {
      const lead = await create("/api/leads", owner.token, { firstName: `Lead${i}`, lastName: "X" });
      const ctx = await actionContext(owner, "lead", lead, { workflowId });
      const out = await run(ctx, { id: "rr", type: "assign_owner", strategy: "round_robin", userIds: [a.userId, b.userId, c.userId] });
      picked.push(out.userId as string);
      expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data.ownerId).toBe(out.userId);
    }
    expect(picked).toEqual([a.userId, b.userId, c.userId, a.userId]);
  });

  it("skips people who are no longer members", async () => {
    const owner = await registerAccount();
    const [a, b] = [await addMember(owner, "agent", "a"), await addMember(owner, "agent", "b")];
    await testDb().delete(memberships).where(and(eq(memberships.orgId, owner.orgId), eq(memberships.userId, a.userId)));
    const contact = await create("/api/contacts", owner.token, { firstName: "Kim", lastName: "Lee" });
    const ctx = await actionContext(owner, "contact", contact);
    const out = await run(ctx, { id: "rr", type: "assign_owner", strategy: "round_robin", userIds: [a.userId, b.userId] });
    expect(out.userId).toBe(b.userId);
    await expect(run(ctx, { id: "f", type: "assign_owner", strategy: "fixed", userId: a.userId })).rejects.toMatchObject({ code: "validation_error" });
  });

  it("picks the member with the fewest open deals, ties going to the first listed", async () => {
    const owner = await registerAccount();
    const [a, b, c] = [await addMember(owner, "agent", "a"), await addMember(owner, "agent", "b"), await addMember(owner, "agent", "c")];
    for (const [who, n] of [[a, 2], [b, 1], [c, 1]] as const) {
      for (let i = 0; i < n; i++) await create("/api/deals", owner.token, { title: `Held ${i}`, ownerId: who.userId });
    }
    // A won deal is not load.
    await create("/api/deals", owner.token, { title: "Closed", ownerId: b.userId, status: "won" });
    const deal = await create("/api/deals", owner.token, { title: "New one" });
    const ctx = await actionContext(owner, "deal", deal);
    const out = await run(ctx, { id: "ll", type: "assign_owner", strategy: "least_loaded", userIds: [a.userId, c.userId, b.userId] });
    expect(out).toMatchObject({ userId: c.userId, field: "ownerId", previous: owner.userId });
  });

  it("assigns a ticket's assignee", async () => {
    const owner = await registerAccount();
    const agent = await addMember(owner, "agent");
    const ticket = await create("/api/support/tickets", owner.token, { subject: "Cannot log in" });
    const ctx = await actionContext(owner, "ticket", ticket);
    const out = await run(ctx, { id: "f", type: "assign_owner", strategy: "fixed", userId: agent.userId });
    expect(out).toMatchObject({ field: "assigneeId", userId: agent.userId });
    expect((await api(`/api/support/tickets/${ticket.id}`, { token: owner.token })).body.data.assigneeId).toBe(agent.userId);
  });

  it("refuses an agent-owned workflow handing its record to someone else, and changes nothing", async () => {
    const owner = await registerAccount();
    const agent = await addMember(owner, "agent");
    const deal = await create("/api/deals", agent.token, { title: "Mine" });
    const ctx = await actionContext(agent, "deal", deal);
    await expect(run(ctx, { id: "f", type: "assign_owner", strategy: "fixed", userId: owner.userId })).rejects.toMatchObject({ code: "forbidden" });
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.ownerId).toBe(agent.userId);
  });
});

describe("create_task and create_note", () => {
  it("adds a task for the record's owner due in N days, once even when the step runs again", async () => {
    const owner = await registerAccount();
    const manager = await addMember(owner, "manager");
    const deal = await create("/api/deals", owner.token, { title: "Big deal", ownerId: manager.userId });
    const ctx = await actionContext(owner, "deal", deal);
    const before = Date.now();
    const action = { id: "task", type: "create_task", title: "Call about {{title}}", dueInDays: 2, assignTo: { kind: "record_owner" } } as const;
    const first = await run(ctx, action);
    const again = await run(ctx, action);
    expect(again).toMatchObject({ activityId: first.activityId, created: false });
    const rows = await testDb().select().from(activities).where(and(eq(activities.orgId, owner.orgId), eq(activities.dealId, deal.id))).all();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ type: "task", subject: "Call about Big deal", ownerId: manager.userId });
    expect(rows[0]!.dueAt! - before).toBeGreaterThanOrEqual(2 * 86_400_000);
    expect(rows[0]!.dueAt! - Date.now()).toBeLessThanOrEqual(2 * 86_400_000);
  });

  it("adds a note to a contact's timeline", async () => {
    const owner = await registerAccount();
    const contact = await create("/api/contacts", owner.token, { firstName: "Ada", lastName: "Byron" });
    const ctx = await actionContext(owner, "contact", contact);
    await run(ctx, { id: "note", type: "create_note", body: "Welcome sent to {{name}}" });
    const timeline = await api(`/api/activities?contactId=${contact.id}`, { token: owner.token });
    expect(timeline.body.data).toMatchObject([{ type: "note", subject: "Welcome sent to Ada Byron" }]);
  });

  it("writes nothing for a viewer-owned workflow", async () => {
    const owner = await registerAccount();
    const viewer = await addMember(owner, "viewer");
    const deal = await create("/api/deals", owner.token, { title: "Watched" });
    const ctx = await actionContext(viewer, "deal", deal);
    await expect(run(ctx, { id: "t", type: "create_task", title: "x", assignTo: { kind: "record_owner" } })).rejects.toMatchObject({ code: "forbidden" });
    expect(await testDb().$count(activities, eq(activities.dealId, deal.id))).toBe(0);
  });
});

describe("notify", () => {
  it("notifies a role and the record owner once each, linking to the record, and not again when the step repeats", async () => {
    const owner = await registerAccount();
    const manager = await addMember(owner, "manager");
    const agent = await addMember(owner, "agent");
    const deal = await create("/api/deals", owner.token, { title: "Hot", ownerId: agent.userId });
    const ctx = await actionContext(owner, "deal", deal);
    const action: WorkflowAction = { id: "n", type: "notify", recipients: [{ kind: "role", role: "manager" }, { kind: "record_owner" }, { kind: "user", userId: agent.userId }], title: "{{title}} needs you" };
    const out = await run(ctx, action);
    await run(ctx, action);
    expect(new Set(out.notified as string[])).toEqual(new Set([manager.userId, agent.userId]));
    for (const who of [manager, agent]) {
      const inbox = await api("/api/notifications", { token: who.token });
      expect(inbox.body.data).toMatchObject([{ type: "workflow_notification", title: "Hot needs you", link: `/deals/${deal.id}` }]);
    }
    expect(await testDb().$count(notifications, eq(notifications.userId, owner.userId))).toBe(0);
  });
});

describe("send_email", () => {
  const mailgunEnv = () => ({
    ...env,
    EMAIL_API_URL: `${inject("emailApiFakeUrl")}/v3/${FAKE_MAILGUN.domain}/messages.mime`,
    EMAIL_API_KEY: FAKE_MAILGUN.apiKey,
  });

  it("fails with mail not configured when no sender is set up, sending nothing", async () => {
    const owner = await registerAccount();
    const contact = await create("/api/contacts", owner.token, { firstName: "No", lastName: "Mail", email: "nomail@example.com" });
    const ctx = await actionContext(owner, "contact", contact);
    await expect(run(ctx, { id: "m", type: "send_email", to: { kind: "record_contact" }, subject: "Hi", body: "Hello" })).rejects.toMatchObject({
      code: "not_configured",
      message: expect.stringContaining("Mail is not configured"),
    });
  });

  it("mails the deal's contact a message filled from the record, escaped in its HTML part", async () => {
    const owner = await registerAccount();
    const address = `buyer-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const contact = await create("/api/contacts", owner.token, { firstName: "Bo", lastName: "<b>Lee</b>", email: address });
    const deal = await create("/api/deals", owner.token, { title: "Q3 & more", contactId: contact.id, amount: 900 });
    const ctx = { ...(await actionContext(owner, "deal", deal)), env: mailgunEnv() as typeof env };
    const out = await run(ctx, { id: "m", type: "send_email", to: { kind: "record_contact" }, subject: "About {{title}}", body: "Dear {{contact.lastName}},\n\n{{amount}} for {{title}}." });
    expect(out).toMatchObject({ to: address, subject: "About Q3 & more" });
    const sent: { mime: string }[] = await (await fetch(`${inject("emailApiFakeUrl")}/__sent?to=${encodeURIComponent(address)}`)).json();
    expect(sent).toHaveLength(1);
    const mail = await PostalMime.parse(sent[0]!.mime);
    expect(mail.subject).toBe("About Q3 & more");
    expect(mail.text).toContain("Dear <b>Lee</b>,");
    expect(mail.text).toContain("900 for Q3 & more.");
    expect(mail.html).toContain("Dear &lt;b&gt;Lee&lt;/b&gt;");
    expect(mail.messageId).toBe(out.messageId);
  });
});
