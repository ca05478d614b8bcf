import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { testDb } from "../../record-helpers";
import { webhookDeliveries, webhookEndpoints } from "../../../schema";
import { capturingEnv, contactCreatedEvent, createEndpoint, fanOutEvent, receiverEndpoint, receiverTag, received, registerSecret } from "./webhooks-fixture";

const endpointCount = (orgId: string) => testDb().$count(webhookEndpoints, eq(webhookEndpoints.orgId, orgId));

describe("webhook endpoints API", () => {
  it("answers the whsec_ secret when created and when rotated, and never in later reads", async () => {
    const owner = await registerAccount("whsecret");
    const { tag, url } = receiverTag();
    const created = await createEndpoint(owner, { url: url("ok"), events: ["deal.updated", "deal.created", "deal.updated"], description: "CRM sync" });
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(atob(created.secret.slice(6))).toHaveLength(24);
    expect(created.endpoint).toMatchObject({ url: url("ok"), events: ["deal.created", "deal.updated"], enabled: true, disabledReason: null });

    const reads = [
      await api("/api/webhooks/endpoints", { token: owner.token }),
      await api(`/api/webhooks/endpoints/${created.endpoint.id}`, { token: owner.token }),
      await api(`/api/webhooks/endpoints/${created.endpoint.id}`, { method: "PATCH", token: owner.token, body: { description: "Renamed" } }),
    ];
    for (const res of reads) {
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.body)).not.toContain(created.secret.slice(6));
      expect(JSON.stringify(res.body)).not.toContain("secret");
    }
    const stored = await testDb().select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.endpoint.id)).get();
    expect(stored!.secretSealed).not.toContain(created.secret.slice(6));

    const rotated = await api(`/api/webhooks/endpoints/${created.endpoint.id}/rotate-secret`, { method: "POST", token: owner.token });
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).toMatch(/^whsec_/);
    expect(rotated.body.data.secret).not.toBe(created.secret);
    // Messages are signed with the new secret only.
    await registerSecret(tag, rotated.body.data.secret);
    const sent = await api(`/api/webhooks/endpoints/${created.endpoint.id}/test`, { method: "POST", token: owner.token });
    expect(sent.body.data.outcome.ok).toBe(true);
    expect((await received(tag))[0]).toMatchObject({ verified: true });
  });

  it("refuses unknown event names with 400 naming each, and writes nothing", async () => {
    const owner = await registerAccount("whevents");
    const res = await api("/api/webhooks/endpoints", { token: owner.token, body: { url: receiverTag().url("ok"), events: ["deal.created", "deal.exploded", "nope"] } });
    expectError(res, 400, "validation_error");
    expect(res.body.error.details.events).toEqual(["deal.exploded", "nope"]);
    expect(await endpointCount(owner.orgId)).toBe(0);
    expectError(await api("/api/webhooks/endpoints", { token: owner.token, body: { url: receiverTag().url("ok"), events: [] } }), 400, "validation_error");
  });

  it("refuses URLs the outbound guard refuses, at create and at update, and changes nothing", async () => {
    const owner = await registerAccount("whguard");
    const refused = [
      "http://hooks.example.com/in",
      "https://user:pass@hooks.example.com/in",
      "https://10.0.0.5/in",
      "https://192.168.1.20/in",
      "https://169.254.169.254/latest/meta-data/",
      "https://[fd00::1]/in",
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://intranet/in",
      "ftp://hooks.example.com/in",
      "not a url",
    ];
    for (const url of refused) {
      const res = await api("/api/webhooks/endpoints", { token: owner.token, body: { url, events: ["*"] } });
      expectError(res, 422, "outbound_blocked");
    }
    expect(await endpointCount(owner.orgId)).toBe(0);
    const ok = await createEndpoint(owner, { url: "https://hooks.example.com/in", events: ["*"] });
    for (const url of refused.slice(0, 6)) {
      expectError(await api(`/api/webhooks/endpoints/${ok.endpoint.id}`, { method: "PATCH", token: owner.token, body: { url } }), 422, "outbound_blocked");
    }
    expect((await api(`/api/webhooks/endpoints/${ok.endpoint.id}`, { token: owner.token })).body.data.url).toBe("https://hooks.example.com/in");
  });

  it("checks the guard again at every send: a stored private URL is never contacted", async () => {
    const owner = await registerAccount("whresend");
    const endpoint = await receiverEndpoint(owner, "ok", ["contact.deleted"]);
    await testDb().update(webhookEndpoints).set({ url: "https://10.1.2.3/in" }).where(eq(webhookEndpoints.id, endpoint.endpoint.id));
    const queue = capturingEnv();
    await fanOutEvent(queue.env, { ...(await contactCreatedEvent(owner)), type: "contact.deleted" });
    expect(await queue.runQueued()).toEqual(["retrying"]);
    const [delivery] = await testDb().select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, endpoint.endpoint.id));
    expect(delivery!.lastError).toMatch(/not a public address/);
  });

  it("deletes an endpoint with its log", async () => {
    const owner = await registerAccount("whdelete");
    const endpoint = await receiverEndpoint(owner, "ok", ["*"]);
    await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}/test`, { method: "POST", token: owner.token });
    const res = await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}`, { method: "DELETE", token: owner.token });
    expect(res.status).toBe(200);
    expect(await endpointCount(owner.orgId)).toBe(0);
    expect(await testDb().$count(webhookDeliveries, eq(webhookDeliveries.endpointId, endpoint.endpoint.id))).toBe(0);
    expectError(await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}`, { token: owner.token }), 404, "not_found");
  });

  it("answers 404 for another organization's endpoints and messages, and changes nothing", async () => {
    const owner = await registerAccount("whtenant");
    const stranger = await registerAccount("whstranger");
    const endpoint = await receiverEndpoint(owner, "ok", ["*"]);
    const sent = await api(`/api/webhooks/endpoints/${endpoint.endpoint.id}/test`, { method: "POST", token: owner.token });
    const deliveryId = sent.body.data.delivery.id;
    const id = endpoint.endpoint.id;
    const attempts: [string, string, unknown?][] = [
      ["GET", `/api/webhooks/endpoints/${id}`],
      ["PATCH", `/api/webhooks/endpoints/${id}`, { enabled: false }],
      ["DELETE", `/api/webhooks/endpoints/${id}`],
      ["POST", `/api/webhooks/endpoints/${id}/rotate-secret`],
      ["POST", `/api/webhooks/endpoints/${id}/test`],
      ["GET", `/api/webhooks/endpoints/${id}/deliveries`],
      ["GET", `/api/webhooks/deliveries/${deliveryId}`],
      ["POST", `/api/webhooks/deliveries/${deliveryId}/replay`],
    ];
    for (const [method, path, body] of attempts) expectError(await api(path, { method, token: stranger.token, body }), 404, "not_found");
    expect((await api("/api/webhooks/endpoints", { token: stranger.token })).body.data).toEqual([]);
    expect(await received(endpoint.tag)).toHaveLength(1);
    expect((await api(`/api/webhooks/endpoints/${id}`, { token: owner.token })).body.data).toMatchObject({ enabled: true });
    expect(await testDb().$count(webhookDeliveries, eq(webhookDeliveries.endpointId, id))).toBe(1);
  });

  it("refuses managers, agents and viewers on every route (403) with nothing written, and anonymous callers (401)", async () => {
    const owner = await registerAccount("whroles");
    const endpoint = await receiverEndpoint(owner, "ok", ["*"]);
    const id = endpoint.endpoint.id;
    const members: Account[] = [await addMember(owner, "manager"), await addMember(owner, "agent"), await addMember(owner, "viewer")];
    for (const member of members) {
      expectError(await api("/api/webhooks/endpoints", { token: member.token }), 403, "forbidden");
      expectError(await api("/api/webhooks/endpoints", { token: member.token, body: { url: "https://hooks.example.com/x", events: ["*"] } }), 403, "forbidden");
      expectError(await api(`/api/webhooks/endpoints/${id}`, { method: "PATCH", token: member.token, body: { enabled: false } }), 403, "forbidden");
      expectError(await api(`/api/webhooks/endpoints/${id}`, { method: "DELETE", token: member.token }), 403, "forbidden");
      expectError(await api(`/api/webhooks/endpoints/${id}/rotate-secret`, { method: "POST", token: member.token }), 403, "forbidden");
      expectError(await api(`/api/webhooks/endpoints/${id}/test`, { method: "POST", token: member.token }), 403, "forbidden");
    }
    expectError(await api("/api/webhooks/endpoints"), 401, "unauthorized");
    expectError(await api("/api/webhooks/endpoints", { body: { url: "https://hooks.example.com/x", events: ["*"] } }), 401, "unauthorized");
    expect(await endpointCount(owner.orgId)).toBe(1);
    expect(await received(endpoint.tag)).toHaveLength(0);
    const after = await api(`/api/webhooks/endpoints/${id}`, { token: owner.token });
    expect(after.body.data).toMatchObject({ enabled: true, updatedAt: endpoint.endpoint.updatedAt });
  });

  it("lets an admin manage endpoints", async () => {
    const owner = await registerAccount("whadmin");
    const admin = await addMember(owner, "admin");
    const res = await api("/api/webhooks/endpoints", { token: admin.token, body: { url: "https://hooks.example.com/admin", events: ["deal.created"] } });
    expect(res.status).toBe(201);
  });
});
