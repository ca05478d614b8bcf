import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, companies, contacts } from "../../../schema";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";
import { draft, finalize } from "../financial/invoices-fixture";
import { applyAll, callSid, createProvider } from "../../telephony-helpers";
import { actionContext, run } from "./actions-fixture";

/** Audit rows a workflow step wrote for a record (request id `workflow:<workflowId>:<runId>`). */
async function workflowAudit(orgId: string, entityId: string, requestId: string) {
  return testDb()
    .select()
    .from(auditLog)
    .where(and(eq(auditLog.orgId, orgId), eq(auditLog.entityId, entityId), eq(auditLog.requestId, requestId)))
    .all();
}

describe("set_fields", () => {
  it("sets a deal's fields through the deal service, filling templates from linked records, and audits as the workflow", async () => {
    const owner = await registerAccount();
    const company = await create("/api/companies", owner.token, { name: "Acme Corp" });
    const deal = await create("/api/deals", owner.token, { title: "Renewal", amount: 100, companyId: company.id });
    const ctx = await actionContext(owner, "deal", deal);
    const output = await run(ctx, { id: "set", type: "set_fields", fields: { title: "{{company.name}}: {{title}}", amount: 2500 } });
    expect(output.changed).toEqual({ title: { from: "Renewal", to: "Acme Corp: Renewal" }, amount: { from: 100, to: 2500 } });
    const after = await api(`/api/deals/${deal.id}`, { token: owner.token });
    expect(after.body.data).toMatchObject({ title: "Acme Corp: Renewal", amount: 2500 });
    expect((await workflowAudit(owner.orgId, deal.id, ctx.requestId)).map((a) => a.action)).toEqual(["update"]);
  });

  it("keeps a whole-placeholder value's type and validates like REST, refusing a bad value with nothing written", async () => {
    const owner = await registerAccount();
    const contact = await create("/api/contacts", owner.token, { firstName: "Ada", lastName: "Lovelace", email: "ada@example.com" });
    const ctx = await actionContext(owner, "contact", contact);
    await expect(run(ctx, { id: "bad", type: "set_fields", fields: { email: "not an email", title: "CTO" } })).rejects.toMatchObject({ code: "validation_error" });
    await expect(run(ctx, { id: "unknown", type: "set_fields", fields: { shoeSize: 44 } })).rejects.toMatchObject({ code: "validation_error" });
    const unchanged = await testDb().select().from(contacts).where(eq(contacts.id, contact.id)).get();
    expect(unchanged).toMatchObject({ email: "ada@example.com", title: null });

    const output = await run(ctx, { id: "ok", type: "set_fields", fields: { title: "{{firstName}}'s title", lastName: "{{lastName}}" } });
    expect(output.changed).toEqual({ title: { from: null, to: "Ada's title" } });
  });

  it("wraps up a call with notes, and refuses fields its wrap-up does not take or an owner to assign", async () => {
    const owner = await registerAccount();
    const provider = await createProvider(owner);
    const at = Date.now() - 60_000;
    const { call } = await applyAll(owner.orgId, { providerId: provider.id, providerCallId: callSid(), direction: "inbound", from: "+14155550190", to: "+14155550100", agentUserId: owner.userId }, [
      ["ringing", at],
      ["in_progress", at + 5_000],
      ["completed", at + 30_000],
    ]);
    const ctx = await actionContext(owner, "call", call);
    const out = await run(ctx, { id: "s", type: "set_fields", fields: { notes: "Called back from {{from}}", disposition: "callback" } });
    expect(out.changed).toMatchObject({ notes: { to: "Called back from +14155550190" }, disposition: { to: "callback" } });
    await expect(run(ctx, { id: "t", type: "set_fields", fields: { direction: "outbound" } })).rejects.toMatchObject({ code: "validation_error" });
    await expect(run(ctx, { id: "o", type: "assign_owner", strategy: "fixed", userId: owner.userId })).rejects.toMatchObject({ code: "validation_error" });
  });

  it("writes nothing for a viewer-owned workflow", async () => {
    const owner = await registerAccount();
    const viewer = await addMember(owner, "viewer");
    const company = await create("/api/companies", owner.token, { name: "Initech" });
    const ctx = await actionContext(viewer, "company", company);
    await expect(run(ctx, { id: "s", type: "set_fields", fields: { name: "Renamed" } })).rejects.toMatchObject({ code: "forbidden" });
    await expect(run(ctx, { id: "t", type: "add_tags", tags: ["vip"] })).rejects.toMatchObject({ code: "forbidden" });
    const row = await testDb().select().from(companies).where(eq(companies.id, company.id)).get();
    expect(row).toMatchObject({ name: "Initech", tags: [] });
  });
});

describe("set_fields on invoices", () => {
  it("changes a draft's memo from a template, and refuses a finalized invoice with nothing written", async () => {
    const owner = await registerAccount();
    const company = await create("/api/companies", owner.token, { name: "Umbrella" });
    const lines = [{ description: "Consulting", quantity: 1, unitPrice: 10_000 }];
    const open = await create("/api/financial/invoices", owner.token, { currency: "USD", companyId: company.id, lines });
    const out = await run(await actionContext(owner, "invoice", open), { id: "s", type: "set_fields", fields: { memo: "Thank you, {{company.name}}" } });
    expect(out.changed).toEqual({ memo: { from: null, to: "Thank you, Umbrella" } });

    const other = await draft(owner);
    await finalize(owner, other.id);
    await expect(run(await actionContext(owner, "invoice", other), { id: "s", type: "set_fields", fields: { memo: "Late" } })).rejects.toMatchObject({ code: "conflict" });
    expect((await api(`/api/financial/invoices/${other.id}`, { token: owner.token })).body.data.memo).toBeNull();
  });

  it("refuses an agent-owned workflow, who may not manage billing", async () => {
    const owner = await registerAccount();
    const agent = await addMember(owner, "agent");
    const theirs = await draft(owner, { ownerId: agent.userId });
    await expect(run(await actionContext(agent, "invoice", theirs), { id: "s", type: "set_fields", fields: { memo: "x" } })).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("add_tags and remove_tags", () => {
  it("adds only missing tags and removes only present ones, so a repeated step changes nothing", async () => {
    const owner = await registerAccount();
    const deal = await create("/api/deals", owner.token, { title: "Tagged", tags: ["warm"] });
    const ctx = await actionContext(owner, "deal", deal);
    const added = await run(ctx, { id: "a", type: "add_tags", tags: ["vip", " warm ", "vip"] });
    expect(added.changed).toEqual({ tags: { from: ["warm"], to: ["warm", "vip"] } });
    expect((await run(ctx, { id: "a", type: "add_tags", tags: ["vip"] })).changed).toEqual({});
    const removed = await run(ctx, { id: "r", type: "remove_tags", tags: ["warm", "absent"] });
    expect(removed.changed).toEqual({ tags: { from: ["warm", "vip"], to: ["vip"] } });
    expect((await api(`/api/deals/${deal.id}`, { token: owner.token })).body.data.tags).toEqual(["vip"]);
  });

  it("tags a ticket through the ticket flow", async () => {
    const owner = await registerAccount();
    const ticket = await create("/api/support/tickets", owner.token, { subject: "Printer on fire" });
    const ctx = await actionContext(owner, "ticket", ticket);
    await run(ctx, { id: "a", type: "add_tags", tags: ["urgent"] });
    expect((await api(`/api/support/tickets/${ticket.id}`, { token: owner.token })).body.data.tags).toEqual(["urgent"]);
  });
});

describe("the workflow owner's visibility", () => {
  it("cannot touch a record an agent owner does not own when visibility is own", async () => {
    const owner = await registerAccount();
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const lead = await create("/api/leads", owner.token, { firstName: "Grace", lastName: "Hopper" });
    const ctx = await actionContext(agent, "lead", lead);
    await expect(run(ctx, { id: "o", type: "assign_owner", strategy: "fixed", userId: agent.userId })).rejects.toMatchObject({ code: "not_found" });
    await expect(run(ctx, { id: "s", type: "set_fields", fields: { title: "Admiral" } })).rejects.toMatchObject({ code: "not_found" });
    expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data).toMatchObject({ ownerId: owner.userId, title: null });
  });
});
