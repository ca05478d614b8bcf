import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { contacts, segmentMembers, segments } from "../../../schema";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";
import { createSegment, listIds, memberIds } from "./segments-fixture";

const segmentCount = async (orgId: string) => (await testDb().select().from(segments).where(eq(segments.orgId, orgId))).length;

describe("segments API", () => {
  it("refuses a filter the list would refuse with 400 naming the parameter, and writes nothing", async () => {
    const owner = await registerAccount("sgbad");
    const unknown = await api("/api/segments", { token: owner.token, body: { name: "Bad", entity: "contact", filter: { colour: "red" } } });
    expectError(unknown, 400, "validation_error");
    expect(unknown.body.error.details).toHaveProperty("filter");
    const badValue = await api("/api/segments", { token: owner.token, body: { name: "Bad", entity: "lead", filter: { minScore: "hot" } } });
    expectError(badValue, 400, "validation_error");
    expect(badValue.body.error.details).toHaveProperty(["filter.minScore"]);
    // A lead filter is not a company filter.
    expectError(await api("/api/segments", { token: owner.token, body: { name: "Bad", entity: "company", filter: { minScore: "50" } } }), 400, "validation_error");
    expectError(await api("/api/segments/preview", { token: owner.token, body: { entity: "contact", filter: { inactiveForDays: "-3" } } }), 400, "validation_error");
    expectError(await api("/api/segments", { token: owner.token, body: { name: "", entity: "contact", filter: {} } }), 400, "validation_error");
    expectError(await api("/api/segments", { token: owner.token, body: { name: "X", entity: "deal", filter: {} } }), 400, "validation_error");
    expect(await segmentCount(owner.orgId)).toBe(0);

    const segment = await createSegment(owner, { entity: "contact", filter: { tag: "vip" } });
    expectError(await api(`/api/segments/${segment.id}`, { method: "PATCH", token: owner.token, body: { filter: { tag: "" , nope: 1 } } }), 400, "validation_error");
    expect((await api(`/api/segments/${segment.id}`, { token: owner.token })).body.data.filter).toEqual({ tag: "vip" });
  });

  it("lets a viewer read but not write, and changes nothing on a refusal", async () => {
    const owner = await registerAccount("sgvw");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const segment = await createSegment(owner, { name: "Kept", entity: "contact", filter: {} });
    for (const who of [viewer, agent]) {
      expectError(await api("/api/segments", { token: who.token, body: { name: "No", entity: "contact", filter: {} } }), 403, "forbidden");
      expectError(await api(`/api/segments/${segment.id}`, { method: "PATCH", token: who.token, body: { name: "Renamed" } }), 403, "forbidden");
      expectError(await api(`/api/segments/${segment.id}`, { method: "DELETE", token: who.token }), 403, "forbidden");
      expectError(await api(`/api/segments/${segment.id}/refresh`, { method: "POST", token: who.token }), 403, "forbidden");
      expect((await api("/api/segments", { token: who.token })).body.data.map((s: { id: string }) => s.id)).toEqual([segment.id]);
    }
    expect(await segmentCount(owner.orgId)).toBe(1);
    expect((await api(`/api/segments/${segment.id}`, { token: owner.token })).body.data.name).toBe("Kept");
    expectError(await api("/api/segments"), 401, "unauthorized");
  });

  it("answers 404 for another organization's segment, on every route, and changes nothing", async () => {
    const owner = await registerAccount("sgt1");
    const stranger = await registerAccount("sgt2");
    await create("/api/contacts", owner.token, { firstName: "Private" });
    const segment = await createSegment(owner, { name: "Mine", entity: "contact", filter: {} });
    const id = segment.id;
    expectError(await api(`/api/segments/${id}`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/segments/${id}`, { method: "PATCH", token: stranger.token, body: { name: "Theirs" } }), 404, "not_found");
    expectError(await api(`/api/segments/${id}`, { method: "DELETE", token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/segments/${id}/members`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/segments/${id}/export`, { token: stranger.token }), 404, "not_found");
    expectError(await api(`/api/segments/${id}/refresh`, { method: "POST", token: stranger.token }), 404, "not_found");
    expect((await api("/api/segments", { token: stranger.token })).body.data).toEqual([]);
    expect((await api(`/api/segments/${id}`, { token: owner.token })).body.data).toMatchObject({ name: "Mine", memberCount: 1 });
  });

  it("lists members with row-level access: an agent restricted to own records sees only theirs", async () => {
    const owner = await registerAccount("sgrl");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const mine = await create("/api/contacts", agent.token, { firstName: "Agent's", tags: ["vip"] });
    await create("/api/contacts", owner.token, { firstName: "Owner's", tags: ["vip"] });
    const segment = await createSegment(owner, { entity: "contact", filter: { tag: "vip" } });
    expect(segment.memberCount).toBe(2);
    expect(await memberIds(owner, segment.id)).toHaveLength(2);
    expect(await memberIds(agent, segment.id)).toEqual([mine.id]);
    const res = await api(`/api/segments/${segment.id}/members`, { token: agent.token });
    expect(res.body.meta.total).toBe(1);
    expect(res.body.data[0]).toMatchObject({ id: mine.id, firstName: "Agent's", companyName: null });
    const csv = await (await api(`/api/segments/${segment.id}/export`, { token: agent.token })).body.raw;
    expect(csv).toContain("Agent's");
    expect(csv).not.toContain("Owner's");
    const preview = await api("/api/segments/preview", { token: agent.token, body: { entity: "contact", filter: { tag: "vip" } } });
    expect(preview.body.data.count).toBe(2);
    expect(preview.body.data.records.map((r: { id: string }) => r.id)).toEqual([mine.id]);
  });

  it("exports members as the list's CSV, formula-safe", async () => {
    const owner = await registerAccount("sgcsv");
    await create("/api/contacts", owner.token, { firstName: "=HYPERLINK(\"x\")", lastName: "Member", tags: ["csv"] });
    await create("/api/contacts", owner.token, { firstName: "Outside" });
    const segment = await createSegment(owner, { entity: "contact", filter: { tag: "csv" } });
    const res = await api(`/api/segments/${segment.id}/export`, { token: owner.token });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    const listExport = (await api("/api/contacts/export.csv?tag=csv", { token: owner.token })).body.raw as string;
    expect(res.body.raw).toBe(listExport);
    expect(res.body.raw).toContain(`"'=HYPERLINK(""x"")"`);
    expect(res.body.raw).not.toContain("Outside");
  });

  it("previews a filter's count and first ten, and refreshes a segment after changes no event announced", async () => {
    const owner = await registerAccount("sgpr");
    for (let i = 0; i < 12; i++) await create("/api/contacts", owner.token, { firstName: `P${i}`, tags: ["pv"] });
    const preview = await api("/api/segments/preview", { token: owner.token, body: { entity: "contact", filter: { tag: "pv", page: "3", sort: "-name" } } });
    expect(preview.status, JSON.stringify(preview.body)).toBe(200);
    expect(preview.body.data.count).toBe(12);
    expect(preview.body.data.records).toHaveLength(10);
    const segment = await createSegment(owner, { entity: "contact", filter: { tag: "pv" } });
    expect(segment.filter).toEqual({ tag: "pv" });
    const [first] = await listIds(owner, "/api/contacts?tag=pv");
    await testDb().update(contacts).set({ tags: [] }).where(eq(contacts.id, first!));
    const refreshed = await api(`/api/segments/${segment.id}/refresh`, { method: "POST", token: owner.token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.data).toMatchObject({ entered: 0, left: 1, segment: { memberCount: 11 } });
    const renamed = await api(`/api/segments/${segment.id}`, { method: "PATCH", token: owner.token, body: { name: "Renamed", filter: { tag: "none" } } });
    expect(renamed.body.data).toMatchObject({ name: "Renamed", memberCount: 0, filter: { tag: "none" } });
    expect((await api(`/api/segments/${segment.id}`, { method: "DELETE", token: owner.token })).status).toBe(200);
    expect(await testDb().select().from(segmentMembers).where(eq(segmentMembers.segmentId, segment.id))).toEqual([]);
    expectError(await api(`/api/segments/${segment.id}`, { token: owner.token }), 404, "not_found");
  });

  it("takes the new list filters on the list endpoints too, refusing bad values with 400", async () => {
    const owner = await registerAccount("sglf");
    const contact = await create("/api/contacts", owner.token, { firstName: "Listed" });
    expect(await listIds(owner, `/api/contacts?createdAfter=${contact.createdAt}`)).toEqual([contact.id]);
    expect(await listIds(owner, `/api/contacts?createdBefore=${contact.createdAt}`)).toEqual([]);
    expect(await listIds(owner, "/api/contacts?inactiveForDays=7")).toEqual([contact.id]);
    expect(await listIds(owner, "/api/contacts?activeWithinDays=7")).toEqual([]);
    expectError(await api("/api/contacts?inactiveForDays=soon", { token: owner.token }), 400, "validation_error");
    expectError(await api("/api/leads?lastActivityAfter=-1", { token: owner.token }), 400, "validation_error");
  });
});
