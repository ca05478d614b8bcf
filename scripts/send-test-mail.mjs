#!/usr/bin/env node
// Delivers a .eml file to the local Email Worker through wrangler dev's
// /cdn-cgi/handler/email route, addressed to the organization's own inbound
// address (read from GET /api/support/settings with the demo login).
//
//   npm run mail -- [file.eml] [--ticket 1001] [--to address] [--url http://127.0.0.1:8787]
//                   [--email demo@neuracrm.dev --password ...] [--keep-message-id]
//
// The Message-ID is made fresh on each run (the worker drops a mail it has
// already seen), unless --keep-message-id. A `{{TAG}}` in the subject becomes
// the tag of ticket --ticket (default: the newest email ticket), so the mail
// threads as a reply.
import { readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import { DEMO } from "./seed-demo.mjs";

const root = join(fileURLToPath(import.meta.url), "..", "..");
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: "string", default: process.env.BASE_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}` },
    to: { type: "string" },
    ticket: { type: "string" },
    email: { type: "string", default: process.env.MAIL_LOGIN_EMAIL ?? DEMO.email },
    password: { type: "string", default: process.env.MAIL_LOGIN_PASSWORD ?? DEMO.password },
    "keep-message-id": { type: "boolean", default: false },
  },
});
const file = positionals[0] ?? join(root, "scripts", "samples", "welcome.eml");
const base = values.url.replace(/\/$/, "");

async function api(path, token, body) {
  const res = await fetch(`${base}${path}`, {
    method: body ? "POST" : "GET",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const json = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${json.error?.message ?? JSON.stringify(json)}`);
  return json.data;
}

let raw = readFileSync(file, "utf8");
let token = null;
const login = async () => (token ??= (await api("/api/auth/login", null, { email: values.email, password: values.password })).accessToken);

const to = values.to ?? (await api("/api/support/settings", await login())).inboundAddress;

if (raw.includes("{{TAG}}")) {
  const query = values.ticket ? `q=${encodeURIComponent(values.ticket)}` : "channel=email&sort=-createdAt";
  const tickets = await api(`/api/support/tickets?${query}&per_page=50`, await login());
  const ticket = values.ticket ? tickets.find((t) => String(t.number) === String(values.ticket)) : tickets[0];
  if (!ticket) throw new Error(values.ticket ? `No ticket #${values.ticket}` : "No email ticket to reply to yet: send a new mail first");
  raw = raw.replaceAll("{{TAG}}", `[#${ticket.number}-${ticket.threadToken}]`);
  console.log(`Replying on ticket #${ticket.number}`);
}
if (!values["keep-message-id"]) raw = raw.replace(/^Message-ID:.*$/im, `Message-ID: <${randomUUID()}@test-mail.neuracrm.local>`);
// Email Routing delivers to the envelope address; the To header is set to match so wrangler does not warn.
raw = raw.replace(/^To:.*$/im, `To: ${to}`);
const from = /^From:.*<([^>]+)>/im.exec(raw)?.[1] ?? /^From:\s*(\S+@\S+)/im.exec(raw)?.[1];
if (!from) throw new Error(`${file} has no From address`);

const res = await fetch(`${base}/cdn-cgi/handler/email?from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`, {
  method: "POST",
  body: raw,
});
const answer = await res.text();
console.log(`${from} -> ${to}: ${res.status} ${answer}`);
if (!res.ok) process.exit(1);
