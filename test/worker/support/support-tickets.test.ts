import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { openTicketVia } from "./support-helpers";

describe("support tickets: lifecycle", () => {
  it("opens a ticket with a per-organization number and answers it with comments", async () => {
    const owner = await registerAccount("tk");
    const contact = await api("/api/contacts", { token: owner.token, body: { firstName: "Pat", email: "pat@example.com" } });
    const first = await openTicketVia(owner, { contactId: contact.body.data.id, priority: "high", channel: "email", tags: ["vip", "vip", " billing "] });
    const second = await openTicketVia(owner);
    expect(first).toMatchObject({ subject: "Printer on fire", status: "new", priority: "high", channel: "email", contactId: contact.body.data.id, assigneeId: null });
    expect(first.tags).toEqual(["vip", "billing"]);
    expect(second.number).toBe(first.number + 1);
    expect(first.number).toBe(1001);
    expect(first.sla.state).toBe("ok");
    const got = await api(`/api/support/tickets/${first.id}`, { token: owner.token });
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({ id: first.id, subject: first.subject, comments: [], attachments: [] });
    // Another organization numbers from 1001 too.
    const other = await registerAccount("tk2");
    expect((await openTicketVia(other)).number).toBe(1001);
  });

  it("rejects bad input with validation errors and writes nothing", async () => {
    const owner = await registerAccount("tkbad");
    expectError(await api("/api/support/tickets", { token: owner.token, body: {} }), 400, "validation_error");
    expectError(await api("/api/support/tickets", { token: owner.token, body: { subject: "x", priority: "meh" } }), 400, "validation_error");
    expectError(await api("/api/support/tickets", { token: owner.token, body: { subject: "x", contactId: "nope" } }), 400, "validation_error");
    expectError(await api("/api/support/tickets", { token: owner.token, body: { subject: "x", assigneeId: "nope" } }), 400, "validation_error");
    expectError(await api("/api/support/tickets", { token: owner.token, body: { subject: "x", bogus: 1 } }), 400, "validation_error");
    const list = await api("/api/support/tickets", { token: owner.token });
    expect(list.body.meta.total).toBe(0);
  });

  it("opens a new ticket when it is handed to someone", async () => {
    const owner = await registerAccount("tkas");
    const t = await openTicketVia(owner);
    const res = await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { assigneeId: owner.userId } });
    expect(res.body.data).toMatchObject({ status: "open", assigneeId: owner.userId });
  });

  it("stamps solvedAt on solve, clears it on reopen, and treats closed as final", async () => {
    const owner = await registerAccount("tkst");
    const t = await openTicketVia(owner);
    const solved = await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "solved" } });
    expect(solved.body.data.status).toBe("solved");
    expect(solved.body.data.solvedAt).toBeTypeOf("number");
    const reopened = await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "open" } });
    expect(reopened.body.data).toMatchObject({ status: "open", solvedAt: null });
    await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "closed" } });
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { status: "open" } }), 409, "conflict");
    const audit = await api(`/api/audit-log?entity=ticket&entityId=${t.id}`, { token: owner.token });
    const actions = audit.body.data.map((r: { action: string }) => r.action);
    expect(actions.filter((a: string) => a === "update")).toHaveLength(3);
    expect(actions).toContain("create");
    const agent = await addMember(owner, "agent");
    const history = await api(`/api/support/tickets/${t.id}/history`, { token: agent.token });
    expect(history.body.data.map((r: { action: string }) => r.action)).toEqual(["update", "update", "update", "create"]);
    expect(history.body.data[0].changes.status).toEqual({ from: "open", to: "closed" });
  });

  it("records public replies and internal notes; the first agent reply sets firstRespondedAt", async () => {
    const owner = await registerAccount("tkc");
    const t = await openTicketVia(owner);
    const note = await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { kind: "internal", body: "Customer is a VIP" } });
    expect(note.status).toBe(201);
    expect(note.body.data.ticket.firstRespondedAt).toBeNull();
    const reply = await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "We are on it" } });
    expect(reply.body.data.comment).toMatchObject({ kind: "public", authorType: "user", authorId: owner.userId });
    expect(reply.body.data.ticket.firstRespondedAt).toBe(reply.body.data.comment.createdAt);
    expect(reply.body.data.ticket.status).toBe("open");
    const again = await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "Still on it" } });
    expect(again.body.data.ticket.firstRespondedAt).toBe(reply.body.data.ticket.firstRespondedAt);
    const got = await api(`/api/support/tickets/${t.id}`, { token: owner.token });
    expect(got.body.data.comments.map((c: { body: string; kind: string }) => [c.kind, c.body])).toEqual([
      ["internal", "Customer is a VIP"],
      ["public", "We are on it"],
      ["public", "Still on it"],
    ]);
    expect(got.body.data.comments[0].authorName).toBe("owner person".replace("owner", "tkc"));
    expectError(await api(`/api/support/tickets/${t.id}/comments`, { token: owner.token, body: { body: "  " } }), 400, "validation_error");
  });

  it("merges a ticket: comments move, the source is closed and linked", async () => {
    const owner = await registerAccount("tkm");
    const a = await openTicketVia(owner, { subject: "Duplicate" });
    const b = await openTicketVia(owner, { subject: "Original" });
    await api(`/api/support/tickets/${a.id}/comments`, { token: owner.token, body: { body: "Reply on the duplicate" } });
    const merged = await api(`/api/support/tickets/${a.id}/merge`, { token: owner.token, body: { intoId: b.id } });
    expect(merged.status, JSON.stringify(merged.body)).toBe(200);
    expect(merged.body.data.source).toMatchObject({ status: "closed", mergedIntoId: b.id });
    const target = await api(`/api/support/tickets/${b.id}`, { token: owner.token });
    const bodies = target.body.data.comments.map((c: { body: string }) => c.body);
    expect(bodies).toContain("Reply on the duplicate");
    expect(bodies.some((x: string) => x.includes(`#${a.number}`))).toBe(true);
    const source = await api(`/api/support/tickets/${a.id}`, { token: owner.token });
    expect(source.body.data.comments.map((c: { body: string }) => c.body)).toEqual([`Merged into ticket #${b.number}.`]);
    expectError(await api(`/api/support/tickets/${a.id}/merge`, { token: owner.token, body: { intoId: b.id } }), 409, "conflict");
    expectError(await api(`/api/support/tickets/${b.id}/merge`, { token: owner.token, body: { intoId: b.id } }), 400, "validation_error");
    // Merged tickets leave the default list.
    const list = await api("/api/support/tickets", { token: owner.token });
    expect(list.body.data.map((t: { id: string }) => t.id)).toEqual([b.id]);
  });
});

describe("support tickets: lists and saved views", () => {
  it("filters by status, priority, assignee (me / unassigned), tag and text, sorts and paginates", async () => {
    const owner = await registerAccount("tkl");
    const agent = await addMember(owner, "agent");
    const a = await openTicketVia(owner, { subject: "Refund for invoice 42", priority: "urgent", tags: ["billing"] });
    const b = await openTicketVia(owner, { subject: "Login broken", priority: "low", assigneeId: agent.userId });
    const c = await openTicketVia(owner, { subject: "Password reset", priority: "high", assigneeId: owner.userId, description: "cannot log in after refund" });
    await api(`/api/support/tickets/${c.id}`, { method: "PATCH", token: owner.token, body: { status: "pending" } });
    const ids = async (qs: string, token = owner.token) => {
      const res = await api(`/api/support/tickets?${qs}`, { token });
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      return res.body.data.map((t: { id: string }) => t.id);
    };
    expect(await ids("status=pending")).toEqual([c.id]);
    expect((await ids("status=new,open&sort=number")).sort()).toEqual([a.id, b.id].sort());
    expect(await ids("priority=urgent,high&sort=-priority")).toEqual([a.id, c.id]);
    expect(await ids("assigneeId=me")).toEqual([c.id]);
    expect(await ids("assigneeId=me", agent.token)).toEqual([b.id]);
    expect(await ids("assigneeId=unassigned")).toEqual([a.id]);
    expect(await ids("tag=billing")).toEqual([a.id]);
    expect(await ids("q=refund&sort=number")).toEqual([a.id, c.id]);
    expect(await ids("q=passw")).toEqual([c.id]);
    expect(await ids("sort=number&per_page=2&page=2")).toEqual([c.id]);
    const page = await api("/api/support/tickets?per_page=1", { token: owner.token });
    expect(page.body.meta).toEqual({ page: 1, per_page: 1, total: 3 });
    expectError(await api("/api/support/tickets?status=nope", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/support/tickets?sort=bogus", { token: owner.token }), 400, "validation_error");
  });

  it("offers built-in views and keeps each member's own views private", async () => {
    const owner = await registerAccount("tkv");
    const agent = await addMember(owner, "agent");
    const mine = await openTicketVia(owner, { assigneeId: owner.userId, priority: "high" });
    await openTicketVia(owner, { assigneeId: agent.userId });
    const views = await api("/api/support/views", { token: owner.token });
    expect(views.body.data.map((v: { id: string }) => v.id)).toEqual(expect.arrayContaining(["my-open", "breaching-soon"]));
    const myOpen = await api("/api/support/tickets?view=my-open", { token: owner.token });
    expect(myOpen.body.data.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    const created = await api("/api/support/views", { token: owner.token, body: { name: "High", filters: { priority: ["high"] } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const viaView = await api(`/api/support/tickets?view=${created.body.data.id}`, { token: owner.token });
    expect(viaView.body.data.map((t: { id: string }) => t.id)).toEqual([mine.id]);
    expectError(await api(`/api/support/tickets?view=${created.body.data.id}`, { token: agent.token }), 404, "not_found");
    expectError(await api(`/api/support/views/${created.body.data.id}`, { method: "DELETE", token: agent.token }), 404, "not_found");
    expectError(await api("/api/support/views", { token: owner.token, body: { name: "Bad", filters: { status: ["nope"] } } }), 400, "validation_error");
    expect((await api(`/api/support/views/${created.body.data.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
  });
});

describe("support tickets: permissions and tenancy", () => {
  it("lets agents work tickets, viewers only read, and keeps deletion and setup to managers", async () => {
    const owner = await registerAccount("tkp");
    const agent = await addMember(owner, "agent");
    const viewer = await addMember(owner, "viewer");
    const t = await openTicketVia(agent);
    expect((await api(`/api/support/tickets/${t.id}/comments`, { token: agent.token, body: { body: "hi" } })).status).toBe(201);
    expect((await api(`/api/support/tickets/${t.id}`, { token: viewer.token })).status).toBe(200);
    expect((await api("/api/support/tickets", { token: viewer.token })).status).toBe(200);
    expectError(await api("/api/support/tickets", { token: viewer.token, body: { subject: "x", requesterEmail: "a@b.co" } }), 403, "forbidden");
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: viewer.token, body: { status: "open" } }), 403, "forbidden");
    expectError(await api(`/api/support/tickets/${t.id}/comments`, { token: viewer.token, body: { body: "x" } }), 403, "forbidden");
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    expectError(await api("/api/support/teams", { token: agent.token, body: { name: "Tier 1" } }), 403, "forbidden");
    expectError(await api("/api/support/sla-policies", { method: "PUT", token: agent.token, body: { priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480 } }), 403, "forbidden");
    expectError(await api("/api/support/calendar", { method: "PUT", token: agent.token, body: { timeZone: "UTC", workingDays: [1], startMinute: 0, endMinute: 60 } }), 403, "forbidden");
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: owner.token, body: { assigneeId: viewer.userId } }), 400, "validation_error");
    expect((await api(`/api/support/tickets/${t.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/support/tickets/${t.id}`, { token: owner.token }), 404, "not_found");
  });

  it("answers 404 for another organization's tickets and refuses links into it", async () => {
    const a = await registerAccount("tka");
    const b = await registerAccount("tkb");
    const t = await openTicketVia(a);
    const theirs = await openTicketVia(b);
    expectError(await api(`/api/support/tickets/${t.id}`, { token: b.token }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "PATCH", token: b.token, body: { subject: "mine" } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${t.id}/comments`, { token: b.token, body: { body: "x" } }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${t.id}`, { method: "DELETE", token: b.token }), 404, "not_found");
    expectError(await api(`/api/support/tickets/${theirs.id}/merge`, { token: b.token, body: { intoId: t.id } }), 400, "validation_error");
    expectError(await api(`/api/support/tickets/${t.id}/merge`, { token: b.token, body: { intoId: theirs.id } }), 404, "not_found");
    const list = await api("/api/support/tickets", { token: b.token });
    expect(list.body.data.map((x: { id: string }) => x.id)).toEqual([theirs.id]);
    expectError(await api(`/api/support/tickets`, { token: b.token, body: { subject: "x", assigneeId: a.userId } }), 400, "validation_error");
  });
});
