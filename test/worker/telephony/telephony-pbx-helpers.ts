import { expect, inject } from "vitest";
import { FAKE_ARI } from "../../fakes/ari-fixtures";
import { api, type Account } from "../../helpers";
import { createProvider } from "../../telephony-helpers";

/** An Asterisk ARI config pointing at the local fake ARI server. */
export const ariConfig = (extra: Record<string, unknown> = {}) => ({
  baseUrl: inject("ariFakeUrl"),
  username: FAKE_ARI.username,
  password: FAKE_ARI.password,
  application: "neuracrm",
  context: "from-internal",
  ...extra,
});

export async function createPbx(owner: Account, type: "asterisk" | "freepbx" = "asterisk", config: Record<string, unknown> = {}) {
  return createProvider(owner, { type, name: `${type} PBX`, config: ariConfig(config) });
}

export async function addExtension(owner: Account, providerId: string, userId: string, extension: string) {
  const res = await api("/api/telephony/extensions", { token: owner.token, body: { providerId, userId, extension } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/**
 * The dialplan's request signature, computed here independently of the
 * worker: HMAC-SHA256 over "<t>.<body>" with the provider's webhook secret.
 */
export async function sign(secret: string, body: string, t = Math.floor(Date.now() / 1000)) {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${t}.${body}`)));
  return `t=${t},v1=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Posts one dialplan event as `curl --data` would (form-encoded), signed with `secret`. */
export async function pushEvent(providerId: string, secret: string | null, fields: Record<string, string | number>, opts: { json?: boolean; t?: number; headers?: Record<string, string> } = {}) {
  const body = opts.json
    ? JSON.stringify(fields)
    : new URLSearchParams(Object.entries(fields).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const headers: Record<string, string> = {
    "content-type": opts.json ? "application/json" : "application/x-www-form-urlencoded",
    ...(secret ? { "x-neuracrm-signature": await sign(secret, body, opts.t) } : {}),
    ...opts.headers,
  };
  return api(`/api/telephony/pbx/${providerId}/events`, { method: "POST", headers, rawBody: body });
}

let seq = 0;
/** An Asterisk ${UNIQUEID}: "<unix seconds>.<channel counter>". */
export const uniqueId = () => `${Math.floor(Date.now() / 1000)}.${(seq++ * 7919 + Math.floor(Math.random() * 1e6)) % 1e7}`;
