import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { matchExpression, searchTerms } from "../../../worker/platform/fts-query";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create, insertDeal, restrictToOwnRecords } from "../../record-helpers";
import { callSid, createProvider } from "../../telephony-helpers";

const search = (token: string, query: string) => api(`/api/search?${query}`, { token });
const titles = (res: { body: { data: { title: string }[] } }) => res.body.data.map((h) => h.title);
const hitsOf = (res: { body: { data: { type: string; id: string }[] } }) => res.body.data.map((h) => `${h.type}:${h.id}`);

const T = Date.UTC(2026, 2, 9, 14, 0, 0);

/** An inbound call from `from` handled by `agentUserId`, with a finished transcript of `said` (as the transcription job writes it). */
async function transcribedCall(owner: Account, agentUserId: string, from: string, said: string[]) {
  const provider = await createProvider(owner);
  const base = { providerId: provider.id, providerCallId: callSid(), direction: "inbound" as const, from, to: "+14155550100" };
  await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: T, agentUserId });
  const { call } = await applyCallEvent(env, owner.orgId, { ...base, status: "completed", at: T + 60_000 });
  const segments = said.map((text, i) => ({ speaker: i % 2 ? "customer" : "agent", start: i * 5, end: i * 5 + 4, text }));
  await env.DB.prepare(
    "INSERT INTO call_transcripts (call_id, org_id, recording_key, status, segments, text, action_items, created_at, updated_at) VALUES (?, ?, ?, 'done', ?, ?, '[]', ?, ?)",
  )
    .bind(call.id, owner.orgId, `${owner.orgId}/recordings/${call.id}.mp3`, JSON.stringify(segments), said.join("\n"), T, T)
    .run();
  return call.id;
}

describe("search", () => {
  it("finds records by word prefix while typing", async () => {
    const owner = await registerAccount("se");
    const contact = await create("/api/contacts", owner.token, { firstName: "Annabel", lastName: "Lee", email: "annabel@poe.example" });
    for (const q of ["a", "an", "ann", "anna", "annabel", "ANNAB", "lee ann", "Annabel L"]) {
      const res = await search(owner.token, `q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.data[0], q).toMatchObject({ type: "contacts", id: contact.id, title: "Annabel Lee", subtitle: "annabel@poe.example" });
    }
    expect((await search(owner.token, "q=annabelx")).body.data).toEqual([]);
    expect((await search(owner.token, "q=annabel%20zzz")).body.data).toEqual([]);
  });

  it("searches every type, or the types asked for", async () => {
    const owner = await registerAccount("setypes");
    const company = await create("/api/companies", owner.token, { name: "Orbital Widgets", domain: "orbital.example" });
    const lead = await create("/api/leads", owner.token, { firstName: "Orbit", lastName: "Lead", companyName: "Somewhere" });
    const contact = await create("/api/contacts", owner.token, { firstName: "Orbin", lastName: "Contact" });
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const deal = await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, title: "Orbital renewal" });
    const all = await search(owner.token, "q=orb");
    const found = all.body.data.map((h: { type: string; id: string }) => `${h.type}:${h.id}`).sort();
    expect(found).toEqual([`companies:${company.id}`, `contacts:${contact.id}`, `deals:${deal.id}`, `leads:${lead.id}`].sort());
    for (const hit of all.body.data) expect(hit.score).toBeGreaterThan(0);
    const some = await search(owner.token, "q=orb&types=leads,companies");
    expect(some.body.data.map((h: { type: string }) => h.type).sort()).toEqual(["companies", "leads"]);
    expect((await search(owner.token, "q=orb&limit=2")).body.data).toHaveLength(2);
    expectError(await search(owner.token, "q=orb&types=tickets"), 400, "validation_error");
    expectError(await search(owner.token, "q=orb&limit=21"), 400, "validation_error");
  });

  it("ranks a name match above a details match", async () => {
    const owner = await registerAccount("serank");
    await create("/api/contacts", owner.token, { firstName: "Pat", lastName: "Jones", email: "pat@harbor.example", title: "Harbor master" });
    await create("/api/contacts", owner.token, { firstName: "Harbor", lastName: "Smith", email: "hs@else.example" });
    const res = await search(owner.token, "q=harbor");
    expect(titles(res)).toEqual(["Harbor Smith", "Pat Jones"]);
    expect(res.body.data[0].score).toBeGreaterThan(res.body.data[1].score);
  });

  it("keeps up with edits and deletes", async () => {
    const owner = await registerAccount("seedit");
    const c = await create("/api/companies", owner.token, { name: "Quokka Labs" });
    await api(`/api/companies/${c.id}`, { method: "PATCH", token: owner.token, body: { name: "Wombat Labs" } });
    expect((await search(owner.token, "q=quokka")).body.data).toEqual([]);
    expect(titles(await search(owner.token, "q=wombat"))).toEqual(["Wombat Labs"]);
    await api(`/api/companies/${c.id}`, { method: "DELETE", token: owner.token });
    expect((await search(owner.token, "q=wombat")).body.data).toEqual([]);
  });

  it("never answers 500, whatever the query", async () => {
    const owner = await registerAccount("sehostile");
    await create("/api/contacts", owner.token, { firstName: "Zoë", lastName: "O'Brien-Smith", email: "zoe@x.example" });
    const hostile = [
      '"', '""', '"unterminated', "*", "**", "-", "- -", "NEAR", "NEAR(a b)", "a NEAR/2 b", "(", ")", "((a)", "AND", "OR", "NOT",
      "a OR", "x AND NOT y", "^zoe", "org_id:abc", "name : zoe", "{name details}: x", "col:", "'; DROP TABLE contacts; --",
      "%", "_", "\\", "\u0000", "😀", "zoë", "ZOE", "o'brien", "brien-smith", "日本語", "   ", "a".repeat(200), "+", "zoe*",
    ];
    for (const q of hostile) {
      const res = await search(owner.token, `q=${encodeURIComponent(q)}`);
      expect(res.status, `q=${JSON.stringify(q)}`).toBe(200);
      expect(Array.isArray(res.body.data)).toBe(true);
    }
    for (const q of ["zoë", "ZOE", "zoe*", "o'brien", "brien-smith", "Zoe O Brien"]) {
      expect(titles(await search(owner.token, `q=${encodeURIComponent(q)}`)), q).toEqual(["Zoë O'Brien-Smith"]);
    }
    expect((await search(owner.token, `q=${"a".repeat(201)}`)).status).toBe(400);
  });

  it("quotes every word and pins the organization", () => {
    expect(searchTerms(`a"b NEAR(c) -d *e`)).toEqual(["a", "b", "NEAR", "c", "d", "e"]);
    expect(matchExpression("0190-ab", ["ann", "lee"])).toBe('org_id : "0190-ab" AND {name details} : "ann"* AND {name details} : "lee"*');
  });

  it("never finds another organization's records", async () => {
    const a = await registerAccount("seorga");
    const b = await registerAccount("seorgb");
    await create("/api/contacts", b.token, { firstName: "Secretive", lastName: "Person" });
    await create("/api/companies", b.token, { name: "Secretive Inc" });
    expect((await search(a.token, "q=secretive")).body.data).toEqual([]);
    expect((await search(b.token, "q=secretive")).body.data).toHaveLength(2);
    // Typing part of an organization id matches no record.
    expect((await search(a.token, `q=${b.orgId.slice(0, 8)}`)).body.data).toEqual([]);
    expect((await search(b.token, `q=${b.orgId.slice(0, 8)}`)).body.data).toEqual([]);
  });

  it("respects row-level access", async () => {
    const owner = await registerAccount("sevis");
    const agent = await addMember(owner, "agent");
    const manager = await addMember(owner, "manager");
    await create("/api/leads", agent.token, { firstName: "Visible", lastName: "Mine" });
    await create("/api/leads", owner.token, { firstName: "Visible", lastName: "Theirs" });
    await restrictToOwnRecords(owner);
    expect(titles(await search(agent.token, "q=visible"))).toEqual(["Visible Mine"]);
    expect(titles(await search(manager.token, "q=visible")).sort()).toEqual(["Visible Mine", "Visible Theirs"]);
    const viewer = await addMember(owner, "viewer");
    expect((await search(viewer.token, "q=visible")).body.data).toHaveLength(2);
  });

  it("finds calls by words said in them, titled by the caller, with the words around the match", async () => {
    const owner = await registerAccount("secall");
    const dana = await create("/api/contacts", owner.token, { firstName: "Dana", lastName: "Buyer", phone: "+14155550142" });
    const callId = await transcribedCall(owner, owner.userId, "+14155550142", [
      "Thanks for calling Acme, this is Sam.",
      "I'd like a quote for forty licences before the end of the quarter.",
      "I will send the quote by Friday.",
    ]);
    const unknownCaller = await transcribedCall(owner, owner.userId, "+14155550177", ["Is the warehouse open on Sunday?"]);
    const pipeline = (await api("/api/pipelines", { token: owner.token })).body.data[0];
    const deal = await insertDeal(owner.orgId, { pipelineId: pipeline.id, stageId: pipeline.stages[0].id, title: "Quote for Acme" });

    for (const q of ["licences", "LICEN", "forty quote", "Friday send"]) {
      const res = await search(owner.token, `q=${encodeURIComponent(q)}`);
      expect(res.status, q).toBe(200);
      expect(res.body.data, q).toEqual([{ type: "calls", id: callId, title: "Call with Dana Buyer", subtitle: expect.any(String), score: expect.any(Number) }]);
    }
    const [hit] = (await search(owner.token, "q=licences")).body.data;
    expect(hit.subtitle).toContain("quote for forty licences");
    expect(hit.subtitle).not.toContain("\n");
    expect(hit.score).toBeGreaterThan(0);
    expect((await search(owner.token, "q=warehouse")).body.data).toMatchObject([{ type: "calls", id: unknownCaller, title: "Call from +14155550177" }]);

    // Records and calls in one answer; `types` narrows it either way.
    expect(hitsOf(await search(owner.token, "q=quote")).sort()).toEqual([`calls:${callId}`, `deals:${deal.id}`].sort());
    expect(hitsOf(await search(owner.token, "q=quote&types=calls"))).toEqual([`calls:${callId}`]);
    expect(hitsOf(await search(owner.token, "q=quote&types=deals,contacts"))).toEqual([`deals:${deal.id}`]);
    // The caller's name finds the contact, not the call: names are records' words, transcripts calls'.
    expect(hitsOf(await search(owner.token, "q=dana"))).toEqual([`contacts:${dana.id}`]);
    expect((await search(owner.token, "q=unicorn")).body.data).toEqual([]);
  });

  it("finds a call only for members who may see it, and never in another organization", async () => {
    const owner = await registerAccount("secallvis");
    const agent = await addMember(owner, "agent", "secallvisa");
    const colleague = await addMember(owner, "agent", "secallvisb");
    const manager = await addMember(owner, "manager", "secallvism");
    const viewer = await addMember(owner, "viewer", "secallvisv");
    const callId = await transcribedCall(owner, agent.userId, "+14155550142", ["The kumquat shipment arrives on Tuesday."]);
    await restrictToOwnRecords(owner);

    for (const member of [agent, manager, viewer, owner]) expect(hitsOf(await search(member.token, "q=kumquat")), member.email).toEqual([`calls:${callId}`]);
    expect((await search(colleague.token, "q=kumquat")).body.data).toEqual([]);
    expect((await search(colleague.token, "q=kumquat&types=calls")).body.data).toEqual([]);

    const other = await registerAccount("secallvisx");
    expect((await search(other.token, "q=kumquat")).body.data).toEqual([]);
    const theirs = await transcribedCall(other, other.userId, "+14155550142", ["Our kumquat order is late."]);
    expect(hitsOf(await search(other.token, "q=kumquat"))).toEqual([`calls:${theirs}`]);
    expect(hitsOf(await search(owner.token, "q=kumquat"))).toEqual([`calls:${callId}`]);
    // Typing part of an organization or call id matches no call.
    expect((await search(owner.token, `q=${owner.orgId.slice(0, 8)}`)).body.data).toEqual([]);
    expect((await search(owner.token, `q=${callId.slice(0, 8)}`)).body.data).toEqual([]);
  });
});
