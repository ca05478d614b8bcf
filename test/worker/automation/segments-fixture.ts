import { expect } from "vitest";
import { api, type Account } from "../../helpers";
import { domainEvents } from "./events-fixture";
import type { DomainEvent } from "../../../schema";

/** Creates a segment through the API, failing the test on anything but 201. */
export async function createSegment(owner: Account, body: { name?: string; entity: string; filter: Record<string, unknown> }) {
  const res = await api("/api/segments", { token: owner.token, body: { name: body.name ?? "Segment", ...body } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.data;
}

/** Every member id of a segment, as the members list answers them to `who`. */
export async function memberIds(who: Account, segmentId: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await api(`/api/segments/${segmentId}/members?per_page=100&page=${page}`, { token: who.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    if (res.body.data.length < 100) return ids.sort();
  }
}

/** The segment events recorded for the organization, oldest first. */
export async function segmentEvents(orgId: string): Promise<DomainEvent[]> {
  return (await domainEvents(orgId)).filter((e) => e.type === "segment.entered" || e.type === "segment.left");
}

/** Polls until `check` holds (the queue delivers on its own time), then a moment more so extra events would show. */
export async function eventually<T>(read: () => Promise<T>, check: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!check(value) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    value = await read();
  }
  expect(check(value), JSON.stringify(value)).toBe(true);
  await new Promise((r) => setTimeout(r, 300));
  return read();
}

/** The list endpoint's ids for a query string, every page. */
export async function listIds(who: Account, path: string): Promise<string[]> {
  const ids: string[] = [];
  for (let page = 1; ; page++) {
    const res = await api(`${path}${path.includes("?") ? "&" : "?"}per_page=100&page=${page}`, { token: who.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    ids.push(...res.body.data.map((r: { id: string }) => r.id));
    if (res.body.data.length < 100) return ids.sort();
  }
}

export const DAY = 86_400_000;
