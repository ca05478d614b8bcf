import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { activities, leads, segments } from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { segmentRecencyTask } from "../../../worker/automation/segments/segment-events";
import { addMember, api, registerAccount } from "../../helpers";
import { create, testDb } from "../../record-helpers";
import { createSegment, DAY, eventually, listIds, memberIds, segmentEvents } from "./segments-fixture";

const typesAndIds = (events: { type: string; entityId: string }[]) => events.map((e) => `${e.type}:${e.entityId}`);

/** An activity logged on a record at a given time, as the timeline would have it then. */
async function activityAt(orgId: string, on: { contactId?: string; companyId?: string; leadId?: string }, at: number) {
  await testDb().insert(activities).values({ id: newId(), orgId, type: "note", subject: "Logged", createdAt: at, updatedAt: at, ...on });
}

describe("segment membership", () => {
  it("holds exactly what the list answers for the same filter: tags, owner, linked company, search, created range", async () => {
    const owner = await registerAccount("sgl");
    const manager = await addMember(owner, "manager");
    const acme = await create("/api/companies", owner.token, { name: "Acme", tags: ["enterprise"] });
    const other = await create("/api/companies", owner.token, { name: "Globex" });
    const before = Date.now();
    const made = [
      await create("/api/contacts", owner.token, { firstName: "Vip", lastName: "Acme", tags: ["vip"], companyId: acme.id }),
      await create("/api/contacts", owner.token, { firstName: "Plain", lastName: "Acme", companyId: acme.id }),
      await create("/api/contacts", owner.token, { firstName: "Vip", lastName: "Globex", tags: ["vip"], companyId: other.id }),
      await create("/api/contacts", owner.token, { firstName: "Managed", lastName: "Vip", tags: ["vip"], ownerId: manager.userId }),
    ];
    expect(made).toHaveLength(4);
    const filters: Record<string, string>[] = [
      { tag: "vip" },
      { tag: "vip", ownerId: owner.userId },
      { companyId: acme.id },
      { companyTag: "enterprise" },
      { q: "globex" },
      { createdAfter: String(before) },
      { tag: "vip", companyTag: "enterprise" },
    ];
    for (const filter of filters) {
      const segment = await createSegment(owner, { entity: "contact", filter });
      const expected = await listIds(owner, `/api/contacts?${new URLSearchParams(filter)}`);
      expect(await memberIds(owner, segment.id), JSON.stringify(filter)).toEqual(expected);
      expect(segment.memberCount).toBe(expected.length);
      expect(segment.evaluatedAt).toBeGreaterThan(0);
    }
  });

  it("selects leads by score and companies by activity recency, as their lists do", async () => {
    const owner = await registerAccount("sgsc");
    const hot = await create("/api/leads", owner.token, { firstName: "Hot" });
    const cold = await create("/api/leads", owner.token, { firstName: "Cold" });
    await testDb().update(leads).set({ score: 85 }).where(eq(leads.id, hot.id));
    await testDb().update(leads).set({ score: 20 }).where(eq(leads.id, cold.id));
    const scored = await createSegment(owner, { entity: "lead", filter: { minScore: 70 } });
    expect(await memberIds(owner, scored.id)).toEqual([hot.id]);
    expect(await listIds(owner, "/api/leads?minScore=70")).toEqual([hot.id]);

    const busy = await create("/api/companies", owner.token, { name: "Busy" });
    const quiet = await create("/api/companies", owner.token, { name: "Quiet" });
    await activityAt(owner.orgId, { companyId: busy.id }, Date.now() - 2 * DAY);
    await activityAt(owner.orgId, { companyId: quiet.id }, Date.now() - 60 * DAY);
    const active = await createSegment(owner, { entity: "company", filter: { activeWithinDays: 30 } });
    const inactive = await createSegment(owner, { entity: "company", filter: { inactiveForDays: "30" } });
    expect(await memberIds(owner, active.id)).toEqual([busy.id]);
    expect(await memberIds(owner, inactive.id)).toEqual([quiet.id]);
    expect(await listIds(owner, "/api/companies?inactiveForDays=30")).toEqual([quiet.id]);
    expect(await listIds(owner, `/api/companies?lastActivityAfter=${Date.now() - 10 * DAY}`)).toEqual([busy.id]);
    expect(active.timeRelative).toBe(true);
  });

  it("moves a contact in and out as it changes, with exactly one entered and one left event, and lets it leave when deleted", async () => {
    const owner = await registerAccount("sgmv");
    const segment = await createSegment(owner, { name: "VIPs", entity: "contact", filter: { tag: "vip" } });
    const contact = await create("/api/contacts", owner.token, { firstName: "Mover" });
    const stays = await create("/api/contacts", owner.token, { firstName: "Stays", tags: ["vip"] });
    await eventually(() => memberIds(owner, segment.id), (ids) => ids.length === 1);

    const patched = await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: owner.token, body: { tags: ["vip"] } });
    expect(patched.status).toBe(200);
    await eventually(() => memberIds(owner, segment.id), (ids) => ids.includes(contact.id));
    await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: owner.token, body: { title: "Still VIP" } });
    await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: owner.token, body: { tags: [] } });
    await eventually(() => memberIds(owner, segment.id), (ids) => !ids.includes(contact.id));
    await api(`/api/contacts/${stays.id}`, { method: "DELETE", token: owner.token });
    const events = await eventually(() => segmentEvents(owner.orgId), (e) => e.length === 4);
    expect(typesAndIds(events)).toEqual([
      `segment.entered:${stays.id}`,
      `segment.entered:${contact.id}`,
      `segment.left:${contact.id}`,
      `segment.left:${stays.id}`,
    ]);
    expect(events[1]).toMatchObject({ entity: "contact", actorId: owner.userId, context: { segmentId: segment.id, segmentName: "VIPs" } });
    expect(events[1]!.record).toMatchObject({ id: contact.id, firstName: "Mover", tags: ["vip"] });
    expect(events[3]!.record).toMatchObject({ id: stays.id, firstName: "Stays" });
    const [row] = await testDb().select().from(segments).where(eq(segments.id, segment.id));
    expect(row!.memberCount).toBe(0);
  });

  it("moves a company's contacts when the company's tags change", async () => {
    const owner = await registerAccount("sgco");
    const company = await create("/api/companies", owner.token, { name: "Initech" });
    const a = await create("/api/contacts", owner.token, { firstName: "Peter", companyId: company.id });
    const b = await create("/api/contacts", owner.token, { firstName: "Milton", companyId: company.id });
    const segment = await createSegment(owner, { entity: "contact", filter: { companyTag: "customer" } });
    expect(segment.memberCount).toBe(0);
    await api(`/api/companies/${company.id}`, { method: "PATCH", token: owner.token, body: { tags: ["customer"] } });
    expect(await eventually(() => memberIds(owner, segment.id), (ids) => ids.length === 2)).toEqual([a.id, b.id].sort());
    const events = await eventually(() => segmentEvents(owner.orgId), (e) => e.length === 2);
    expect(events.map((e) => e.type)).toEqual(["segment.entered", "segment.entered"]);
  });

  it("re-evaluates time-relative segments on the schedule, against the clock it is given", async () => {
    const owner = await registerAccount("sgtr");
    const contact = await create("/api/contacts", owner.token, { firstName: "Fading" });
    await activityAt(owner.orgId, { contactId: contact.id }, Date.now());
    const segment = await createSegment(owner, { entity: "contact", filter: { inactiveForDays: 30 } });
    expect(segment.memberCount).toBe(0);

    // An hour after its evaluation, nothing has aged out yet.
    await segmentRecencyTask(env, new Date(Date.now() + 2 * 3_600_000));
    expect(await memberIds(owner, segment.id)).toEqual([]);
    await segmentRecencyTask(env, new Date(Date.now() + 31 * DAY));
    expect(await memberIds(owner, segment.id)).toEqual([contact.id]);
    const events = await eventually(() => segmentEvents(owner.orgId), (e) => e.length === 1);
    expect(typesAndIds(events)).toEqual([`segment.entered:${contact.id}`]);
    expect(events[0]!.actorId).toBeNull();
  });

  it("leaves segments that do not read activity to record events: the schedule recomputes only those that do", async () => {
    const owner = await registerAccount("sgsch");
    const plain = await createSegment(owner, { entity: "contact", filter: { tag: "vip" } });
    const dated = await createSegment(owner, { entity: "contact", filter: { lastActivityBefore: String(Date.now()) } });
    await segmentRecencyTask(env, new Date(Date.now() + 2 * 3_600_000));
    const rows = await testDb().select().from(segments).where(eq(segments.orgId, owner.orgId));
    const evaluated = new Map(rows.map((r) => [r.id, r.evaluatedAt]));
    expect(evaluated.get(plain.id)).toBe(plain.evaluatedAt);
    expect(evaluated.get(dated.id)).toBeGreaterThan(dated.evaluatedAt);
  });

  it("turns a bulk import into one full evaluation: every row enters once", async () => {
    const owner = await registerAccount("sgbk");
    const segment = await createSegment(owner, { entity: "contact", filter: { tag: "imported" } });
    const rows = Array.from({ length: 60 }, (_, i) => `Row${i},Bulk,row${i}@bulk.example,imported`);
    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv: ["First Name,Last Name,Email,Tags", ...rows].join("\r\n") } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data.created).toBe(60);
    const events = await eventually(() => segmentEvents(owner.orgId), (e) => e.length >= 60, 30_000);
    expect(events).toHaveLength(60);
    expect(new Set(events.map((e) => e.entityId)).size).toBe(60);
    expect(await memberIds(owner, segment.id)).toEqual(await listIds(owner, "/api/contacts?tag=imported"));
    const [row] = await testDb().select().from(segments).where(eq(segments.id, segment.id));
    expect(row!.memberCount).toBe(60);
    // The burst was evaluated whole (the system's evaluation, after the segment's first one).
    expect(row!.evaluatedAt).toBeGreaterThan(segment.evaluatedAt);
    expect(events.some((e) => e.actorId === null)).toBe(true);
  });
});
