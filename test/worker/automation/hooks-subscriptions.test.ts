import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create, testDb } from "../../record-helpers";
import { webhookEndpoints } from "../../../schema";
import { webhookPayload } from "../../../worker/automation/webhooks";
import { capturingEnv, contactCreatedEvent, fanOutEvent, receiverTag, received, registerSecret } from "./webhooks-fixture";
import { waitForDomainEvents } from "./events-fixture";

/** An organization API key, as Zapier would hold it. */
async function apiKey(owner: Account, scopes?: string[]) {
  const res = await api("/api/api-keys", { token: owner.token, body: { name: "Zapier", ...(scopes ? { scopes } : {}) } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data.token as string;
}

const hookCount = (orgId: string) => testDb().$count(webhookEndpoints, eq(webhookEndpoints.orgId, orgId));

describe("Zapier REST Hooks", () => {
  it("subscribes with an API key, delivers signed messages for that event only, lists, and unsubscribes", async () => {
    const owner = await registerAccount("hooksub");
    const key = await apiKey(owner);
    const { tag, url } = receiverTag();
    const res = await api("/api/hooks", { token: key, body: { target_url: url("ok"), event: "contact.deleted" } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const id = res.body.data.id as string;
    expect(res.body.data).toMatchObject({ target_url: url("ok"), event: "contact.deleted" });
    expect((await api("/api/hooks", { token: key })).body.data.map((h: { id: string }) => h.id)).toEqual([id]);
    // Hooks are not in the endpoints' list.
    expect((await api("/api/webhooks/endpoints", { token: owner.token })).body.data).toEqual([]);

    const stored = await testDb().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, id)).get();
    expect(stored).toMatchObject({ source: "rest_hook", events: ["contact.deleted"] });
    const { openWebhookSecret } = await import("../../../worker/automation/webhooks/webhook-secrets");
    const { env } = await import("cloudflare:workers");
    await registerSecret(tag, await openWebhookSecret(env, stored!));

    const queue = capturingEnv();
    const event = { ...(await contactCreatedEvent(owner)), type: "contact.deleted" as const };
    expect(await fanOutEvent(queue.env, event)).toBe(1);
    expect(await fanOutEvent(queue.env, { ...event, id: crypto.randomUUID(), type: "contact.updated" as const })).toBe(0);
    await queue.runQueued();
    const [message] = await received(tag);
    expect(message).toMatchObject({ verified: true });
    expect(JSON.parse(message!.body).data.object).toEqual(event.record);

    expect((await api(`/api/hooks/${id}`, { method: "DELETE", token: key })).status).toBe(200);
    expect(await hookCount(owner.orgId)).toBe(0);
    expectError(await api(`/api/hooks/${id}`, { method: "DELETE", token: key }), 404, "not_found");
  });

  it("unsubscribes when Zapier answers 410 Gone", async () => {
    const owner = await registerAccount("hookgone");
    const { url } = receiverTag();
    const res = await api("/api/hooks", { token: owner.token, body: { target_url: url("gone"), event: "contact.deleted" } });
    const queue = capturingEnv();
    await fanOutEvent(queue.env, { ...(await contactCreatedEvent(owner)), type: "contact.deleted" });
    expect(await queue.runQueued()).toEqual(["gone"]);
    expect((await api("/api/hooks", { token: owner.token })).body.data).toEqual([]);
    expectError(await api(`/api/hooks/${res.body.data.id}`, { method: "DELETE", token: owner.token }), 404, "not_found");
  });

  it("answers samples in the delivered data.object shape: the 3 most recent events, else one real record", async () => {
    const owner = await registerAccount("hooksample");
    const key = await apiKey(owner);
    const none = await api("/api/hooks/samples/company.created", { token: key });
    expect(none.status).toBe(200);
    expect(none.body.data).toEqual([]);

    const company = await create<{ id: string }>("/api/companies", owner.token, { name: "Globex" });
    const events = await waitForDomainEvents(owner.orgId, 1, company.id);
    const fromEvents = await api("/api/hooks/samples/company.created", { token: key });
    expect(fromEvents.body.data).toEqual([webhookPayload(events[0]!).data.object]);

    for (const name of ["Initech", "Umbrella", "Hooli"]) await create("/api/companies", owner.token, { name });
    await waitForDomainEvents(owner.orgId, 4);
    const recent = await api("/api/hooks/samples/company.created", { token: key });
    expect(recent.body.data.map((c: { name: string }) => c.name)).toEqual(["Hooli", "Umbrella", "Initech"]);

    // No deletion happened yet: the newest real company stands in, in its REST shape.
    const fallback = await api("/api/hooks/samples/company.deleted", { token: key });
    const rest = await api(`/api/companies/${fallback.body.data[0].id}`, { token: owner.token });
    expect(fallback.body.data).toEqual([rest.body.data]);
    expectError(await api("/api/hooks/samples/company.exploded", { token: key }), 400, "validation_error");
  });

  it("refuses unknown events (400) and guarded URLs, a key without webhooks:manage, members below admin, other tenants and anonymous callers, writing nothing", async () => {
    const owner = await registerAccount("hookrefuse");
    const stranger = await registerAccount("hookstranger");
    const body = { target_url: receiverTag().url("ok"), event: "deal.created" };
    expectError(await api("/api/hooks", { token: owner.token, body: { ...body, event: "deal.exploded" } }), 400, "validation_error");
    expectError(await api("/api/hooks", { token: owner.token, body: { ...body, event: "*" } }), 400, "validation_error");
    expectError(await api("/api/hooks", { token: owner.token, body: { ...body, target_url: "https://169.254.169.254/" } }), 422, "outbound_blocked");
    const readOnlyKey = await apiKey(owner, ["records:read"]);
    expectError(await api("/api/hooks", { token: readOnlyKey, body }), 403, "forbidden");
    for (const role of ["manager", "agent", "viewer"]) {
      const member = await addMember(owner, role);
      expectError(await api("/api/hooks", { token: member.token, body }), 403, "forbidden");
      expectError(await api("/api/hooks/samples/deal.created", { token: member.token }), 403, "forbidden");
    }
    expectError(await api("/api/hooks", { body }), 401, "unauthorized");
    expect(await hookCount(owner.orgId)).toBe(0);

    const hook = await api("/api/hooks", { token: owner.token, body });
    expectError(await api(`/api/hooks/${hook.body.data.id}`, { method: "DELETE", token: stranger.token }), 404, "not_found");
    expect((await api("/api/hooks", { token: stranger.token })).body.data).toEqual([]);
    expect(await hookCount(owner.orgId)).toBe(1);
  });
});
