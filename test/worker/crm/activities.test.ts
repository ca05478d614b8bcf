import { describe, expect, it } from "vitest";
import { todayBounds } from "../../../worker/crm/activities";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { auditActions, create, ids, insertDeal, restrictToOwnRecords } from "../../record-helpers";

/** A fixed-offset zone (no DST) whose clocks read between 12:00 and 13:00 at `now`. */
function middayZone(now: number): string {
  const hoursAhead = 12 - new Date(now).getUTCHours();
  if (hoursAhead === 0) return "UTC";
  // POSIX-style names: Etc/GMT-3 is three hours ahead of UTC.
  return hoursAhead > 0 ? `Etc/GMT-${hoursAhead}` : `Etc/GMT+${-hoursAhead}`;
}

describe("activities", () => {
  it("logs, reads, completes and deletes an activity linked to records", async () => {
    const owner = await registerAccount("ac");
    const company = await create("/api/companies", owner.token, { name: "Ac Co" });
    const contact = await create("/api/contacts", owner.token, { firstName: "Ac", companyId: company.id });
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const deal = await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id });
    const dueAt = Date.now() + 2 * 86_400_000;
    const task = await create("/api/activities", owner.token, {
      type: "task",
      subject: "Send proposal",
      body: "Include pricing",
      dueAt,
      dealId: deal.id,
      contactId: contact.id,
      companyId: company.id,
      tags: ["proposal"],
    });
    expect(task).toMatchObject({
      type: "task",
      subject: "Send proposal",
      body: "Include pricing",
      dueAt,
      doneAt: null,
      dealId: deal.id,
      contactId: contact.id,
      leadId: null,
      companyId: company.id,
      ownerId: owner.userId,
      tags: ["proposal"],
    });

    const done = await api(`/api/activities/${task.id}`, { method: "PATCH", token: owner.token, body: { done: true } });
    expect(done.body.data.doneAt).toEqual(expect.any(Number));
    const again = await api(`/api/activities/${task.id}`, { method: "PATCH", token: owner.token, body: { done: true } });
    expect(again.body.data.doneAt).toBe(done.body.data.doneAt);
    const reopened = await api(`/api/activities/${task.id}`, { method: "PATCH", token: owner.token, body: { done: false } });
    expect(reopened.body.data.doneAt).toBeNull();
    expectError(
      await api(`/api/activities/${task.id}`, { method: "PATCH", token: owner.token, body: { done: true, doneAt: 5 } }),
      400,
      "validation_error",
    );

    expect((await api(`/api/activities/${task.id}`, { token: owner.token })).body.data.subject).toBe("Send proposal");
    expect((await api(`/api/activities/${task.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expectError(await api(`/api/activities/${task.id}`, { token: owner.token }), 404, "not_found");
    expect(await auditActions(owner.token, "activity", task.id)).toEqual(["delete", "update", "update", "create"]);
  });

  it("allows an unlinked activity (a personal to-do)", async () => {
    const owner = await registerAccount("acfree");
    const note = await create("/api/activities", owner.token, { type: "note", subject: "Remember" });
    expect(note).toMatchObject({ dealId: null, contactId: null, leadId: null, companyId: null });
  });

  it("rejects links to records of another organization or that do not exist", async () => {
    const a = await registerAccount("acfk");
    const b = await registerAccount("acfk2");
    const theirLead = await create("/api/leads", b.token, { firstName: "Theirs" });
    const theirPipeline = (await api("/api/pipelines", { token: b.token })).body.data[0];
    const theirDeal = await insertDeal(b.orgId, { pipelineId: theirPipeline.id, stageId: theirPipeline.stages[0].id });
    for (const [field, value] of [
      ["leadId", theirLead.id],
      ["dealId", theirDeal.id],
      ["contactId", crypto.randomUUID()],
      ["companyId", crypto.randomUUID()],
    ] as const) {
      const res = await api("/api/activities", { token: a.token, body: { type: "call", subject: "x", [field]: value } });
      expectError(res, 400, "validation_error");
      expect(res.body.error.details).toHaveProperty(field);
    }
  });

  it("answers validation errors naming each bad field", async () => {
    const owner = await registerAccount("acval");
    const res = await api("/api/activities", { token: owner.token, body: { type: "fax", subject: "", dueAt: "tomorrow" } });
    expectError(res, 400, "validation_error");
    expect(Object.keys(res.body.error.details).sort()).toEqual(["dueAt", "subject", "type"]);
  });

  it("filters by link, type, done and due; sorts by due date", async () => {
    const owner = await registerAccount("acfilter");
    const lead = await create("/api/leads", owner.token, { firstName: "Filter" });
    const now = Date.now();
    // An organization where it is midday now, so "later today" is an hour ahead at any hour the test runs.
    const timeZone = middayZone(now);
    expect((await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { timeZone } } })).status).toBe(200);
    const [, end] = todayBounds(now, timeZone);
    const mk = (subject: string, extra: Record<string, unknown>) => create("/api/activities", owner.token, { type: "task", subject, ...extra });
    await mk("overdue", { dueAt: now - 3 * 86_400_000 });
    await mk("overdue but done", { dueAt: now - 3 * 86_400_000, done: true });
    await mk("today", { dueAt: now + 3_600_000, leadId: lead.id });
    await mk("upcoming", { dueAt: end + 86_400_000 });
    await create("/api/activities", owner.token, { type: "call", subject: "a call", leadId: lead.id });

    const subjects = async (query: string) =>
      (await api(`/api/activities?${query}`, { token: owner.token })).body.data.map((a: { subject: string }) => a.subject);
    expect(await subjects("due=overdue")).toEqual(["overdue"]);
    expect(await subjects("due=today")).toEqual(["today"]);
    expect(await subjects("due=upcoming")).toEqual(["upcoming"]);
    expect(await subjects("done=true")).toEqual(["overdue but done"]);
    expect((await subjects("done=false")).sort()).toEqual(["a call", "overdue", "today", "upcoming"]);
    expect(await subjects("type=call")).toEqual(["a call"]);
    expect((await subjects(`leadId=${lead.id}&sort=createdAt`))).toEqual(["today", "a call"]);
    expect(await subjects("type=task&sort=dueAt")).toEqual(["overdue", "overdue but done", "today", "upcoming"]);
    expect(await subjects("sort=-dueAt&per_page=2")).toEqual(["upcoming", "today"]);
    const meta = (await api("/api/activities?per_page=2&page=3", { token: owner.token })).body.meta;
    expect(meta).toEqual({ page: 3, per_page: 2, total: 5 });
    expectError(await api("/api/activities?done=yes", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/activities?due=someday", { token: owner.token }), 400, "validation_error");
  });

  it("computes today in the organization's time zone", () => {
    // 2026-03-01 02:00 UTC is still 2026-02-28 in New York (UTC-5).
    const now = Date.UTC(2026, 2, 1, 2, 0, 0);
    expect(todayBounds(now, "America/New_York")).toEqual([Date.UTC(2026, 1, 28, 5), Date.UTC(2026, 2, 1, 5)]);
    expect(todayBounds(now, "UTC")).toEqual([Date.UTC(2026, 2, 1), Date.UTC(2026, 2, 2)]);
  });

  it("makes today as long as the organization's clocks say on a DST change", () => {
    // New York falls back on Sunday 1 Nov 2026 (EDT, UTC-4, until 02:00) and springs forward on Sunday 8 Mar 2026.
    expect(todayBounds(Date.UTC(2026, 10, 1, 18), "America/New_York")).toEqual([Date.UTC(2026, 10, 1, 4), Date.UTC(2026, 10, 2, 5)]);
    expect(todayBounds(Date.UTC(2026, 2, 8, 18), "America/New_York")).toEqual([Date.UTC(2026, 2, 8, 5), Date.UTC(2026, 2, 9, 4)]);
  });

  it("enforces roles, organizations and row-level access", async () => {
    const owner = await registerAccount("acacc");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const other = await registerAccount("acother");
    const mine = await create("/api/activities", agent.token, { type: "email", subject: "agent's" });
    const ownerOne = await create("/api/activities", owner.token, { type: "email", subject: "owner's" });
    expectError(await api("/api/activities", { token: viewer.token, body: { type: "note", subject: "no" } }), 403, "forbidden");
    expectError(await api(`/api/activities/${mine.id}`, { method: "DELETE", token: agent.token }), 403, "forbidden");
    expect((await api(`/api/activities/${mine.id}`, { token: viewer.token })).status).toBe(200);
    for (const method of ["GET", "PATCH", "DELETE"]) {
      const body = method === "PATCH" ? { subject: "x" } : undefined;
      expectError(await api(`/api/activities/${mine.id}`, { method, token: other.token, body }), 404, "not_found");
    }
    expect((await api("/api/activities", { token: other.token })).body.data).toEqual([]);
    await restrictToOwnRecords(owner);
    expect(ids((await api("/api/activities", { token: agent.token })).body.data)).toEqual([mine.id]);
    expectError(await api(`/api/activities/${ownerOne.id}`, { token: agent.token }), 404, "not_found");
    expect((await api("/api/activities", { token: viewer.token })).body.meta.total).toBe(2);
  });
});
