import { Hono } from "hono";
import { describe, expect, inject, it } from "vitest";
import type { AppEnv } from "../../../worker/platform/env";
import { AppError } from "../../../worker/platform/errors";
import { apiAuthGuard } from "../../../worker/platform/auth-middleware";
import { isPublicRoute } from "../../../worker/platform/public-routes";
import { api, registerAccount } from "../../helpers";
import { fakeTwilioRequests } from "../telephony/telephony-twilio-helpers";
import { concretePath, refinedBody, sweepOrganization } from "./route-sweep-fixture";
import { databaseSnapshot, documentedOperations, exampleOf, isMutation, jsonBodySchema, pool } from "./route-sweep-helpers";

/**
 * Mutations a viewer may make, each because it touches only the viewer's
 * own session, inbox or account, never the organization's records.
 */
/** Path parameters that name a kind of record, not a record: another organization's token reads or changes its own. */
const ORG_SCOPED: Record<string, string> = {
  "GET /api/scoring/models/{type}": "the caller's organization's lead or deal model",
  "POST /api/scoring/models/{type}/retrain": "retrains the caller's organization's model",
  "GET /api/scoring/rules/{type}": "the caller's organization's scoring rules",
  "PUT /api/scoring/rules/{type}": "the caller's organization's scoring rules",
  "GET /api/hooks/samples/{event}": "an event name: the caller's organization's recent items of it",
};

const VIEWER_MAY: Record<string, string> = {
  "POST /api/auth/logout": "ends their own session",
  "POST /api/auth/switch": "tokens for another organization they belong to",
  "POST /api/organizations": "creates a new organization of their own",
  "POST /api/notifications/read-all": "their own inbox",
  "POST /api/notifications/{id}/read": "their own inbox",
  "POST /api/support/views": "their own saved views",
  "PATCH /api/support/views/{id}": "their own saved views",
  "DELETE /api/support/views/{id}": "their own saved views",
  "POST /api/support/tickets/{id}/presence": "says they are viewing a ticket they may read; nothing is stored",
  "POST /api/ai/conversations": "starts their own conversation with the assistant",
  "DELETE /api/ai/conversations/{id}": "their own conversations",
  "POST /api/ai/conversations/{id}/messages": "asks the assistant in their own conversation; its tools read what the viewer may see and only propose changes",
  "POST /api/ai/conversations/{id}/actions/{actionId}/confirm": "their own conversation's proposals; running one needs the role's own permission (403, nothing written)",
  "POST /api/ai/conversations/{id}/actions/{actionId}/dismiss": "their own conversation's proposals",
  "POST /api/insights/{id}/dismiss": "their own insight inbox",
  "POST /api/insights/{id}/snooze": "their own insight inbox",
  "DELETE /api/insights/{id}/snooze": "their own insight inbox",
  "POST /api/automation/rules/evaluate": "tests conditions against a record they may read; nothing is stored",
  "POST /api/segments/preview": "counts what a filter selects among records they may read; nothing is stored",
  "PUT /api/notifications/preferences": "their own notification settings",
  "POST /api/api-keys": "a personal key that can do no more than they can (read)",
  "DELETE /api/api-keys/{id}": "revokes their own key",
};

describe("every documented route, deny by default", () => {
  it("needs a token unless the route is on the public list, and the document agrees with the guard", async () => {
    const { operations } = await documentedOperations();
    expect(operations.length).toBeGreaterThan(150);
    const wrong: string[] = [];
    await pool(
      operations.map(({ method, template, op }) => async () => {
        const path = template.replace(/\{[^}]+\}/g, "some-id-0123456789abcdef");
        const publicRoute = isPublicRoute(method, path);
        if (publicRoute !== !op.security) wrong.push(`${method} ${template}: guard says ${publicRoute ? "public" : "private"}, document says ${op.security ? "private" : "public"}`);
        if (publicRoute) return;
        const res = await api(path, { method, ...(op.requestBody ? { body: {} } : {}) });
        if (res.status !== 401 || res.body.error?.code !== "unauthorized") wrong.push(`${method} ${template} without a token → ${res.status}`);
      }),
      6,
    );
    expect(wrong).toEqual([]);
  }, 120_000);

  it("closes a route that forgot its own auth middleware, and an undocumented path", async () => {
    const forgotten = new Hono<AppEnv>()
      .use("/api/*", apiAuthGuard)
      .get("/api/forgotten", (c) => c.json({ leaked: true }))
      .onError((err) => new Response(null, { status: err instanceof AppError ? err.status : 500 }));
    const res = await forgotten.request("/api/forgotten", {}, {} as AppEnv["Bindings"]);
    expect(res.status).toBe(401);
    const unknown = await api("/api/no-such-route");
    expect(unknown.status).toBe(401);
    expect((await api("/api/health")).status).toBe(200);
  });

  it("answers 404 with nothing changed when another organization's token names an existing record", async () => {
    const a = await sweepOrganization("swa");
    const b = await registerAccount("swb");
    const { doc, operations } = await documentedOperations();
    const before = await databaseSnapshot();
    expect(before.text).toContain(a.ids.ticket);
    const wrong: string[] = [];
    await pool(
      operations
        .filter(({ method, template }) => template.includes("{") && !isPublicRoute(method, template) && !ORG_SCOPED[`${method} ${template}`])
        .map(({ method, template, op }) => async () => {
          const schema = jsonBodySchema(doc, op);
          const res = await api(concretePath(template, a.ids), { method, token: b.token, ...(schema ? { body: refinedBody(`${method} ${template}`, a.ids) ?? exampleOf(doc, schema) } : {}) });
          if (res.status !== 404 || res.body.error?.code !== "not_found") wrong.push(`${method} ${template} → ${res.status} ${res.body.error?.code ?? ""}`);
        }),
      6,
    );
    expect(wrong).toEqual([]);
    expect(await before.changes()).toEqual([]);
  }, 180_000);

  it("refuses a viewer every mutation with 403, writing nothing and calling no provider", async () => {
    const a = await sweepOrganization("swv");
    const { doc, operations } = await documentedOperations();
    const twilioBefore = (await fakeTwilioRequests()).filter((r) => JSON.stringify(r).includes(a.callSid)).length;
    const before = await databaseSnapshot();
    const wrong: string[] = [];
    await pool(
      operations
        .filter(({ method, template }) => isMutation(method) && !isPublicRoute(method, template) && !VIEWER_MAY[`${method} ${template}`])
        .map(({ method, template, op }) => async () => {
          const schema = jsonBodySchema(doc, op);
          const res = await api(concretePath(template, a.ids), { method, token: a.viewer.token, ...(schema ? { body: refinedBody(`${method} ${template}`, a.ids) ?? exampleOf(doc, schema) } : {}) });
          if (res.status !== 403 || res.body.error?.code !== "forbidden") wrong.push(`${method} ${template} → ${res.status} ${res.body.error?.code ?? ""}`);
        }),
      6,
    );
    // The ARI call too: a refused hang-up must not reach the PBX.
    const ari = await api(`/api/telephony/calls/${a.ids.ariCall}/hangup`, { method: "POST", token: a.viewer.token });
    expect(ari.status).toBe(403);
    expect(wrong).toEqual([]);
    expect(await before.changes()).toEqual([]);
    expect((await fakeTwilioRequests()).filter((r) => JSON.stringify(r).includes(a.callSid)).length).toBe(twilioBefore);
    expect((await fetch(`${inject("ariFakeUrl")}/__fake/hangups/${encodeURIComponent(a.ariChannelId)}`)).status).toBe(404);
  }, 180_000);
});
