import { expect } from "vitest";
import { api, type Account } from "../../helpers";
import { create } from "../../record-helpers";

/** Shared by the knowledge-base and help-center tests. */
export const KB = "/api/support/knowledge-base";

export const article = (token: string, body: Record<string, unknown>) => create(`${KB}/articles`, token, body);
export const published = (token: string, body: Record<string, unknown>) => article(token, { ...body, status: "published" });
export const list = (token: string, query = "") => api(`${KB}/articles?${query}`, { token });
export const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((a) => a.title);

export async function orgSlug(account: Account): Promise<string> {
  const res = await api("/api/organizations/current", { token: account.token });
  expect(res.status).toBe(200);
  return res.body.data.slug;
}

export const HOSTILE = [
  '"',
  '""',
  "*",
  "pass*word",
  "NEAR(a b)",
  "a OR",
  "OR AND NOT",
  "-password",
  "title:reset",
  "{title body}: x",
  "^reset",
  "((reset",
  "reset)",
  "'; DROP TABLE kb_articles; --",
  "\u0000\u0002\u0003",
  "😀 émoji ünïcödé",
  "a".repeat(200),
  "x ".repeat(99),
];
