import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { api, expectError, registerAccount } from "../../helpers";

describe("API conventions", () => {
  it("answers malformed JSON with 400, never 500", async () => {
    const res = await api("/api/auth/login", { rawBody: "{bad json", headers: { "content-type": "application/json" } });
    expectError(res, 400, "validation_error");
  });

  it("answers a non-JSON body with 415", async () => {
    const res = await api("/api/auth/login", { rawBody: "email=a", headers: { "content-type": "application/x-www-form-urlencoded" } });
    expectError(res, 415, "unsupported_media_type");
  });

  it("takes a bodiless POST (content-length 0, no content type) as no body, not as a wrong type", async () => {
    const a = await registerAccount("bodiless");
    const res = await api("/api/notifications/read-all", { method: "POST", token: a.token, rawBody: "", headers: { "content-length": "0" } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  });

  it("answers an oversize body with 413", async () => {
    const big = JSON.stringify({ email: "a@example.com", password: "x".repeat(1_100_000) });
    const res = await api("/api/auth/login", { rawBody: big, headers: { "content-type": "application/json" } });
    expectError(res, 413, "payload_too_large");
  });

  it("answers an unknown route with 404 in the envelope, and 401 to a caller without a token", async () => {
    const a = await registerAccount("unknown");
    expectError(await api("/api/nothing-here", { token: a.token }), 404, "not_found");
    expectError(await api("/api/nothing-here"), 401, "unauthorized");
  });

  it("answers wrong types with field details", async () => {
    const a = await registerAccount("types");
    const res = await api("/api/organizations/current", { method: "PATCH", token: a.token, body: { settings: { defaultCountry: 12 } } });
    expectError(res, 400, "validation_error");
    expect(res.body.error.details).toHaveProperty(["settings.defaultCountry"]);
  });

  it("returns a request id, echoing a sane one from the caller", async () => {
    const res = await api("/api/health", { headers: { "x-request-id": "req-abcdef123" } });
    expect(res.headers.get("x-request-id")).toBe("req-abcdef123");
    const odd = await api("/api/health", { headers: { "x-request-id": "<script>" } });
    expect(odd.headers.get("x-request-id")).not.toBe("<script>");
  });

  it("sends security headers", async () => {
    const res = await api("/api/health");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
  });

  it("pins HTTPS with HSTS on API and asset responses served over HTTPS, never over plain http", async () => {
    const hsts = async (url: string) => (await exports.default.fetch(new Request(url))).headers.get("strict-transport-security");
    for (const path of ["/api/health", "/favicon.svg", "/no/such/page"]) {
      expect(await hsts(`https://neuracrm.test${path}`), path).toBe("max-age=63072000; includeSubDomains");
      expect(await hsts(`http://neuracrm.test${path}`), path).toBeNull();
    }
  });

  it("writes an audit row for each mutation, readable by admins", async () => {
    const a = await registerAccount("audit");
    await api("/api/organizations/current", { method: "PATCH", token: a.token, body: { name: "Audited" } });
    await api("/api/organizations/current/invitations", { token: a.token, body: { email: "aud@example.com", role: "agent" } });
    const log = await api("/api/audit-log", { token: a.token });
    expect(log.status).toBe(200);
    const actions = log.body.data.map((e: { entity: string; action: string }) => `${e.entity}:${e.action}`);
    expect(actions).toEqual(["invitation:invite", "organization:update", "organization:create"]);
    expect(log.body.data[1]).toMatchObject({ actorId: a.userId, entityId: a.orgId, changes: { name: "Audited" } });
    expect(log.body.data[1].requestId).toBeTruthy();
    expect(log.body.meta).toEqual({ page: 1, per_page: 25, total: 3 });
    const filtered = await api("/api/audit-log?entity=invitation", { token: a.token });
    expect(filtered.body.meta.total).toBe(1);
  });

  it("publishes an OpenAPI document generated from the route schemas, and docs", async () => {
    const doc = await api("/api/openapi.json");
    expect(doc.status).toBe(200);
    const raw = doc.body as unknown as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(raw.openapi).toBe("3.1.0");
    for (const path of ["/api/auth/register", "/api/auth/login", "/api/auth/refresh", "/api/users/{id}", "/api/organizations/current/invitations", "/api/audit-log"]) {
      expect(Object.keys(raw.paths)).toContain(path);
    }
    const login = raw.paths["/api/auth/login"]!.post as { requestBody: { content: Record<string, { schema: { properties: object } }> } };
    expect(Object.keys(login.requestBody.content["application/json"]!.schema.properties)).toEqual(["email", "password"]);
    const html = await api("/api/docs");
    expect(html.status).toBe(200);
    expect(html.headers.get("content-security-policy")).toContain("script-src 'self'");
  });
});
