import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { activities, aiUsage, leads, webhookDeliveries } from "../../../schema";
import { fakeRequests, scriptFake } from "../../fakes/openai-fixtures";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";
import { connectFakeAi } from "../ai/ai-helpers";
import { actionContext, run } from "./actions-fixture";

async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!ok(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    value = await read();
  }
  expect(ok(value), `still ${JSON.stringify(value)}`).toBe(true);
  return value;
}

const notesOf = (dealId: string) => testDb().select().from(activities).where(eq(activities.dealId, dealId)).all();

describe("AI actions without a model", () => {
  it("fail with the AI layer's not configured error and write nothing", async () => {
    const owner = await registerAccount();
    const deal = await create("/api/deals", owner.token, { title: "No AI here" });
    const ctx = await actionContext(owner, "deal", deal);
    await expect(run(ctx, { id: "s", type: "ai_summarize" })).rejects.toMatchObject({ code: "not_configured" });
    await expect(run(ctx, { id: "d", type: "ai_draft" })).rejects.toMatchObject({ code: "not_configured" });
    expect(await notesOf(deal.id)).toEqual([]);
  });
});

describe("ai_summarize", () => {
  it("asks the organization's model about the record and its timeline, keeps the answer as a note, and asks once per step", async () => {
    const owner = await registerAccount();
    const key = await connectFakeAi(owner);
    const company = await create("/api/companies", owner.token, { name: "Globex" });
    const deal = await create("/api/deals", owner.token, { title: "Globex expansion", amount: 40000, companyId: company.id });
    await create("/api/activities", owner.token, { type: "call", subject: "Discovery call went well", dealId: deal.id });
    await scriptFake(key, [{ text: "Globex is expanding; discovery went well. Next: send the proposal." }]);
    const ctx = await actionContext(owner, "deal", deal);
    const out = await run(ctx, { id: "sum", type: "ai_summarize" });
    const again = await run(ctx, { id: "sum", type: "ai_summarize" });
    expect(out.summary).toBe("Globex is expanding; discovery went well. Next: send the proposal.");
    expect(again).toEqual(out);
    const requests = await fakeRequests(key);
    expect(requests).toHaveLength(1);
    const prompt = JSON.stringify(requests[0]!.body);
    expect(prompt).toContain("Globex expansion");
    expect(prompt).toContain("Discovery call went well");
    const notes = (await notesOf(deal.id)).filter((a) => a.type === "note");
    expect(notes).toMatchObject([{ id: out.activityId, subject: "AI summary", body: out.summary }]);
    const usage = await testDb().select().from(aiUsage).where(and(eq(aiUsage.orgId, owner.orgId), eq(aiUsage.feature, "workflow"))).all();
    expect(usage).toHaveLength(1);
  });
});

describe("ai_draft", () => {
  it("drafts a ticket reply through the AI layer's ticket drafts", async () => {
    const owner = await registerAccount();
    const key = await connectFakeAi(owner);
    const ticket = await create("/api/support/tickets", owner.token, { subject: "Export is broken", description: "CSV export gives an empty file" });
    await scriptFake(key, [{ text: "Thanks for reporting this. We are looking into the empty CSV export." }]);
    const out = await run(await actionContext(owner, "ticket", ticket), { id: "d", type: "ai_draft", instruction: "be brief" });
    expect(out.draft).toBe("Thanks for reporting this. We are looking into the empty CSV export.");
    expect(JSON.stringify((await fakeRequests(key))[0]!.body)).toContain("Export is broken");
  });
});

describe("ai_score", () => {
  it("rescores a lead now with the organization's scoring rules, and says when there is no model yet", async () => {
    const owner = await registerAccount();
    const lead = await create("/api/leads", owner.token, { firstName: "Hattie", lastName: "Hot" });
    await expect(run(await actionContext(owner, "lead", lead), { id: "score", type: "ai_score" })).rejects.toMatchObject({ code: "not_configured" });
    const rules = [{ feature: "tags", op: "eq", value: "hot", points: 40, label: "Tagged hot" }];
    expect((await api("/api/scoring/rules/lead", { method: "PUT", token: owner.token, body: { rules } })).status).toBe(200);
    await eventually(() => api(`/api/leads/${lead.id}`, { token: owner.token }).then((r) => r.body.data.score), (s) => s === 50);
    // Written under the services, so no refresh is requested: only the step can move the score.
    await testDb().update(leads).set({ tags: ["hot"] }).where(eq(leads.id, lead.id));
    const out = await run(await actionContext(owner, "lead", { ...lead, score: 50 }), { id: "score", type: "ai_score" });
    expect(out).toMatchObject({ entity: "lead", id: lead.id, score: 90 });
  });

  it("refuses record kinds without scores", async () => {
    const owner = await registerAccount();
    const contact = await create("/api/contacts", owner.token, { firstName: "No", lastName: "Score" });
    await expect(run(await actionContext(owner, "contact", contact), { id: "score", type: "ai_score" })).rejects.toMatchObject({ code: "validation_error" });
  });
});

describe("webhook", () => {
  it("makes one signed delivery of the run's event to the endpoint per step, with the record as it is now", async () => {
    const owner = await registerAccount();
    const endpoint = await create("/api/webhooks/endpoints", owner.token, { url: "http://127.0.0.1:9/hook", events: ["invoice.paid"] });
    const deal = await create("/api/deals", owner.token, { title: "Webhooked" });
    const ctx = await actionContext(owner, "deal", deal);
    await api(`/api/deals/${deal.id}`, { method: "PATCH", token: owner.token, body: { amount: 777 } });
    const first = await run(ctx, { id: "hook", type: "webhook", endpointId: endpoint.endpoint?.id ?? endpoint.id });
    const again = await run(ctx, { id: "hook", type: "webhook", endpointId: endpoint.endpoint?.id ?? endpoint.id });
    expect(again.deliveryId).toBe(first.deliveryId);
    const rows = await testDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.orgId, owner.orgId)).all();
    const mine = rows.filter((r) => r.id === first.deliveryId);
    expect(mine).toHaveLength(1);
    expect(JSON.parse(mine[0]!.payload)).toMatchObject({ type: "deal.updated", data: { object: { id: deal.id, amount: 777 } } });
  });

  it("sends nothing about a record the workflow's owner may not see, and answers another organization's endpoint as not found", async () => {
    const owner = await registerAccount();
    const other = await registerAccount("other");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const endpoint = await create("/api/webhooks/endpoints", owner.token, { url: "http://127.0.0.1:9/hook", events: ["*"] });
    const endpointId = endpoint.endpoint?.id ?? endpoint.id;
    const deal = await create("/api/deals", owner.token, { title: "Private" });
    await expect(run(await actionContext(agent, "deal", deal), { id: "hook", type: "webhook", endpointId })).rejects.toMatchObject({ code: "not_found" });
    const theirs = await create("/api/deals", other.token, { title: "Theirs" });
    await expect(run(await actionContext(other, "deal", theirs), { id: "hook", type: "webhook", endpointId })).rejects.toMatchObject({ code: "not_found" });
    expect(await testDb().$count(webhookDeliveries, eq(webhookDeliveries.endpointId, endpointId))).toBe(0);
  });
});
