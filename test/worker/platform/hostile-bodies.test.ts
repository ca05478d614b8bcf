import { describe, expect, it } from "vitest";
import { api, registerAccount } from "../../helpers";
import { pushEvent, sign } from "../telephony/telephony-pbx-helpers";
import { hookUrl, postTwilio } from "../telephony/telephony-twilio-helpers";
import { concretePath, refinedBody, sweepOrganization } from "./route-sweep-fixture";
import {
  databaseSnapshot,
  documentedOperations,
  exampleOf,
  jsonBodySchema,
  pool,
  wrongValueFor,
  type JsonSchema,
} from "./route-sweep-helpers";

/** Bodies that are not an object at all. */
const NOT_OBJECTS: unknown[] = [[{ id: "x" }], "text", null];

/**
 * For a valid example body, every variant with exactly one property replaced
 * by a value of the wrong kind: each must be refused on its own, so a route
 * cannot accept a body because one bad field happened to be ignored.
 */
function corruptions(doc: Parameters<typeof exampleOf>[0], schema: JsonSchema, valid: Record<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const [key, prop] of Object.entries(schema.properties ?? {})) {
    const wrong = wrongValueFor(doc, prop);
    if (wrong !== undefined) out.push({ ...valid, [key]: wrong });
  }
  return out;
}

describe("hostile bodies on real records", () => {
  it("are never accepted by any documented JSON route, and leave every table as it was", async () => {
    const a = await sweepOrganization("hb");
    const { doc, operations } = await documentedOperations();
    const before = await databaseSnapshot();
    const accepted: string[] = [];
    const crashed: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (const { method, template, op } of operations) {
      const schema = jsonBodySchema(doc, op);
      if (!schema) continue;
      const path = concretePath(template, a.ids);
      const key = `${method} ${template}`;
      const valid = (refinedBody(key, a.ids) ?? exampleOf(doc, schema)) as Record<string, unknown>;
      const bodies = [...NOT_OBJECTS, ...corruptions(doc, schema, valid)];
      for (const body of bodies) {
        jobs.push(async () => {
          const res = await api(path, { method, token: a.owner.token, rawBody: JSON.stringify(body), headers: { "content-type": "application/json" } });
          const what = `${key} ${JSON.stringify(body).slice(0, 80)} → ${res.status}`;
          if (res.status >= 500) crashed.push(what);
          else if (res.status < 400) accepted.push(what);
          else expect(res.body.error?.code, what).toMatch(/^[a-z_]+$/);
        });
      }
    }
    await pool(jobs, 6);
    expect(jobs.length).toBeGreaterThan(200);
    expect(crashed).toEqual([]);
    expect(accepted).toEqual([]);
    expect(await before.changes()).toEqual([]);
  }, 300_000);

  it("never let an invitation be accepted, or an account be made, from a malformed body", async () => {
    const owner = await registerAccount("hbinv");
    const inv = await api("/api/organizations/current/invitations", { token: owner.token, body: { email: "hostile-invitee@example.com", role: "agent" } });
    const token = inv.body.data.acceptUrl.split("/invite/")[1];
    const before = await databaseSnapshot();
    // A password alone is a well-formed sign-in attempt and counts against the link (invitation-guessing.test.ts).
    const bodies: unknown[] = [
      ...NOT_OBJECTS,
      {},
      { name: "x" },
      { name: { $gt: "" }, password: "correct horse battery staple" },
      { name: "x".repeat(121), password: "correct horse battery staple" },
      { name: "Eve", password: ["correct horse battery staple"] },
      { name: "Eve", password: "short" },
      { name: "Eve", password: "x".repeat(257) },
    ];
    for (const body of bodies) {
      const res = await api(`/api/invitations/${token}/accept`, { method: "POST", rawBody: JSON.stringify(body), headers: { "content-type": "application/json" } });
      expect(res.status, `${JSON.stringify(body)} → ${JSON.stringify(res.body)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
    }
    expect(await before.changes()).toEqual([]);
    expect((await api(`/api/invitations/${token}`)).status).toBe(200);
  }, 60_000);

  it("never let a webhook write from a malformed, unsigned or wrongly signed request", async () => {
    const a = await sweepOrganization("hbhook");
    const pbx = a.ids.pbxProvider!;
    const twilio = a.ids.twilioProvider!;
    const secretRes = await api(`/api/telephony/providers/${pbx}/webhook-secret`, { method: "POST", token: a.owner.token });
    const secret: string = secretRes.body.data.webhookSecret;
    const before = await databaseSnapshot();
    const refused: [string, number][] = [];
    const event = { event: "answered", uniqueid: "1700000000.1", from: "+14155550111", to: "201" };
    // Unsigned, signed with another secret, signed but stale, and signed over hostile fields.
    refused.push(["pbx unsigned", (await pushEvent(pbx, null, event)).status]);
    refused.push(["pbx wrong secret", (await pushEvent(pbx, "not-the-secret", event)).status]);
    refused.push(["pbx stale", (await pushEvent(pbx, secret, event, { t: Math.floor(Date.now() / 1000) - 3600 })).status]);
    for (const hostile of [{ event: { $gt: "" } }, { event: "answered" }, { event: "answered", uniqueid: "x".repeat(5000) }, { event: "🔥", uniqueid: "1.2" }]) {
      refused.push([`pbx signed ${JSON.stringify(hostile).slice(0, 40)}`, (await pushEvent(pbx, secret, hostile as Record<string, string>, { json: true })).status]);
    }
    const notJson = "{not json";
    const garbage = await api(`/api/telephony/pbx/${pbx}/events`, {
      method: "POST",
      rawBody: notJson,
      headers: { "content-type": "application/json", "x-neuracrm-signature": await sign(secret, notJson) },
    });
    refused.push(["pbx signed garbage", garbage.status]);
    for (const hook of ["voice", "status", "recording", "queue-wait", "dial-status", "voicemail"]) {
      const url = hookUrl(twilio, hook);
      const params = { CallSid: "CA".padEnd(34, "0"), From: "+14155550111", To: "+14155550100", CallStatus: "completed" };
      refused.push([`twilio ${hook} unsigned`, (await postTwilio(url, params, { signature: null })).status]);
      refused.push([`twilio ${hook} wrong token`, (await postTwilio(url, params, { authToken: "f".repeat(32) })).status]);
    }
    for (const path of [`/api/telephony/3cx/${pbx}/lookup?number=4155550111`, `/api/telephony/3cx/${pbx}/journal`]) {
      const res = await api(path, { method: path.endsWith("journal") ? "POST" : "GET", headers: { "x-neuracrm-key": "wrong" }, ...(path.endsWith("journal") ? { rawBody: "{}" } : {}) });
      refused.push([`3cx ${path.split("/").pop()}`, res.status]);
    }
    expect(refused.filter(([, status]) => status < 400 || status >= 500)).toEqual([]);
    expect(await before.changes()).toEqual([]);
  }, 60_000);
});
