import { env } from "cloudflare:workers";
import { createExecutionContext } from "cloudflare:test";
import { expect } from "vitest";
import worker from "../worker/index";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof import("../worker/index");
      durableNamespaces: "OrgRoom" | "DealRoom";
    }
  }
}

export const BASE = "http://neuracrm.test";

let seq = 0;
/** A unique suffix so tests sharing one database never collide. */
export const unique = (label = "u") => `${label}${Date.now().toString(36)}${(seq++).toString(36)}${Math.random().toString(36).slice(2, 6)}`;

export const STRONG_PASSWORD = "correct horse battery staple";

export interface ApiResult<T = any> {
  status: number;
  headers: Headers;
  /** `raw` holds the text of an answer that is not JSON (CSV, HTML). */
  body: { success: boolean; data: T; meta?: any; message?: string; error: { code: string; message: string; details?: any }; raw?: string };
}

/**
 * A request to the Worker's own fetch handler, in this isolate. Requests sent
 * through `exports.default.fetch` instead get slower with every request a test
 * file makes in the pool's runtime (2.6 ms to 300 ms after 800), which made long
 * files crawl; this path stays flat. Work the handler leaves to `waitUntil`
 * still runs; tests that need it wait for its effects.
 */
export function workerFetch(request: Request): Promise<Response> {
  return worker.fetch(request as Parameters<typeof worker.fetch>[0], env as never, createExecutionContext());
}

export async function api<T = any>(
  path: string,
  opts: { method?: string; token?: string; body?: unknown; headers?: Record<string, string>; rawBody?: BodyInit } = {},
): Promise<ApiResult<T>> {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: BodyInit | undefined = opts.rawBody;
  if (opts.body !== undefined) {
    headers["content-type"] ??= "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await workerFetch(new Request(`${BASE}${path}`, { method: opts.method ?? (body ? "POST" : "GET"), headers, body }));
  const text = await res.text();
  let parsed: any;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { raw: text };
  }
  return { status: res.status, headers: res.headers, body: parsed };
}

export interface Account {
  token: string;
  refreshToken: string;
  userId: string;
  orgId: string;
  email: string;
  password: string;
}

/** A caller address of its own, so per-IP limits count only what one test sends on purpose. */
export const uniqueIp = () => `198.18.0.1-${unique("ip")}`;

export async function registerAccount(label = "owner"): Promise<Account> {
  const email = `${unique(label)}@example.com`;
  const res = await api("/api/auth/register", {
    body: { name: `${label} person`, email, password: STRONG_PASSWORD, organizationName: `${label} org` },
    // Tests register many accounts in a row; the per-IP registration limit is exercised on its own.
    headers: { "cf-connecting-ip": uniqueIp() },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return {
    token: res.body.data.accessToken,
    refreshToken: res.body.data.refreshToken,
    userId: res.body.data.user.id,
    orgId: res.body.data.organization.id,
    email,
    password: STRONG_PASSWORD,
  };
}

/** Invites a new person into `owner`'s organization with `role` and accepts; returns their account. */
export async function addMember(owner: Account, role: string, label = role): Promise<Account> {
  const email = `${unique(label)}@example.com`;
  const inv = await api("/api/organizations/current/invitations", { token: owner.token, body: { email, role } });
  expect(inv.status, JSON.stringify(inv.body)).toBe(201);
  const token = inv.body.data.acceptUrl.split("/invite/")[1];
  const acc = await api(`/api/invitations/${token}/accept`, { body: { name: `${label} person`, password: STRONG_PASSWORD } });
  expect(acc.status, JSON.stringify(acc.body)).toBe(200);
  return {
    token: acc.body.data.accessToken,
    refreshToken: acc.body.data.refreshToken,
    userId: acc.body.data.user.id,
    orgId: acc.body.data.organization.id,
    email,
    password: STRONG_PASSWORD,
  };
}

export function expectError(res: ApiResult, status: number, code: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(res.body.success).toBe(false);
  expect(res.body.error.code).toBe(code);
  expect(typeof res.body.error.message).toBe("string");
}
