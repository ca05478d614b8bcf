import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount, type Account, type ApiResult } from "../../helpers";
import { create } from "../../record-helpers";
import { createProvider } from "../../telephony-helpers";
import { addExtension, createPbx } from "./telephony-pbx-helpers";

async function setup(label: string) {
  const owner = await registerAccount(label);
  const agent = await addMember(owner, "agent", `${label}ag`);
  const pbx = await createProvider(owner, { type: "3cx", name: "3CX", config: { pbxUrl: "https://acme.3cx.us" } });
  await addExtension(owner, pbx.id, agent.userId, "201");
  return { owner, agent, pbx };
}

const lookup = (providerId: string, number: string | null, key?: string | null, viaQuery = false): Promise<ApiResult & { body: { contacts?: unknown[] } }> => {
  const qs = new URLSearchParams();
  if (number !== null) qs.set("number", number);
  if (viaQuery && key) qs.set("key", key);
  return api(`/api/telephony/3cx/${providerId}/lookup?${qs}`, { headers: key && !viaQuery ? { "x-neuracrm-key": key } : {} });
};

const journal = (providerId: string, key: string | null, body: Record<string, string>, form = false, query = "") =>
  api(`/api/telephony/3cx/${providerId}/journal${query}`, {
    method: "POST",
    headers: { "content-type": form ? "application/x-www-form-urlencoded" : "application/json", ...(key ? { "x-neuracrm-key": key } : {}) },
    rawBody: form ? new URLSearchParams(body).toString() : JSON.stringify(body),
  });

async function callCount(orgId: string) {
  return (await env.DB.prepare("SELECT count(*) AS n FROM calls WHERE org_id = ?").bind(orgId).first<{ n: number }>())!.n;
}

async function company(owner: Account, name: string) {
  return create("/api/companies", owner.token, { name });
}

describe("3CX contact lookup", () => {
  it("finds the contact by a number written in national format and answers 3CX's contact JSON", async () => {
    const { owner, pbx } = await setup("cxlook");
    const acme = await company(owner, "Acme Rockets");
    const contact = await create("/api/contacts", owner.token, { firstName: "Nina", lastName: "National", email: "nina@acme.example", phone: "+1 (415) 555-0190", companyId: acme.id });
    for (const number of ["(415) 555-0190", "4155550190", "+14155550190", "1-415-555-0190", "011 1 415 555 0190"]) {
      const res = await lookup(pbx.id, number, pbx.webhookSecret);
      expect(res.status, `${number}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body).toEqual({
        contacts: [
          {
            id: contact.id,
            entityType: "Contacts",
            firstName: "Nina",
            lastName: "National",
            company: "Acme Rockets",
            email: "nina@acme.example",
            phoneBusiness: "+14155550190",
            phoneMobile: "",
            contactUrl: `http://neuracrm.test/contacts/${contact.id}`,
          },
        ],
      });
    }
    // The key goes in the header only: a URL with it would end up in request logs.
    expectError(await lookup(pbx.id, "4155550190", pbx.webhookSecret, true), 401, "unauthorized");
  });

  it("falls back to leads, answers an empty list for unknown numbers, and never another organization's contacts", async () => {
    const { owner, pbx } = await setup("cxempty");
    const lead = await create("/api/leads", owner.token, { firstName: "Leo", lastName: "Lead", phone: "+14155550191", companyName: "Lead Co" });
    const asLead = await lookup(pbx.id, "415-555-0191", pbx.webhookSecret);
    expect(asLead.body.contacts).toEqual([expect.objectContaining({ id: lead.id, entityType: "Leads", company: "Lead Co", contactUrl: `http://neuracrm.test/leads/${lead.id}` })]);

    expect((await lookup(pbx.id, "+14155550999", pbx.webhookSecret)).body).toEqual({ contacts: [] });

    const other = await registerAccount("cxother");
    await create("/api/contacts", other.token, { firstName: "Secret", lastName: "Other", phone: "+14155550192" });
    const res = await lookup(pbx.id, "+14155550192", pbx.webhookSecret);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ contacts: [] });
  });

  it("authenticates with the provider's key: wrong or missing key 401, another org's or type's provider 404", async () => {
    const { owner, pbx } = await setup("cxauth");
    await create("/api/contacts", owner.token, { firstName: "Kim", lastName: "Key", phone: "+14155550193" });
    expectError(await lookup(pbx.id, "+14155550193", null), 401, "unauthorized");
    expectError(await lookup(pbx.id, "+14155550193", "wrong-key"), 401, "unauthorized");
    expectError(await lookup(pbx.id, "+14155550193", "wrong-key", true), 401, "unauthorized");

    const other = await setup("cxauth2");
    expectError(await lookup(pbx.id, "+14155550193", other.pbx.webhookSecret), 401, "unauthorized");
    const asterisk = await createPbx(owner);
    expectError(await lookup(asterisk.id, "+14155550193", asterisk.webhookSecret), 404, "not_found");
    expectError(await lookup("nope", "+14155550193", pbx.webhookSecret), 404, "not_found");
  });

  it("answers 400 for a missing or impossible number", async () => {
    const { pbx } = await setup("cxbad");
    expectError(await lookup(pbx.id, null, pbx.webhookSecret), 400, "validation_error");
    expectError(await lookup(pbx.id, "hello", pbx.webhookSecret), 400, "validation_error");
    expectError(await lookup(pbx.id, "12", pbx.webhookSecret), 400, "validation_error");
  });
});

describe("3CX call journaling", () => {
  const answered = {
    callType: "Inbound",
    callDirection: "Inbound",
    number: "(415) 555-0194",
    name: "Jo Journal",
    agent: "201",
    agentEmail: "agent@example.com",
    duration: "00:03:05",
    callStartUtc: "2026-11-20 15:00:00",
    callEstablishedUtc: "2026-11-20 15:00:20",
    callEndUtc: "2026-11-20 15:03:25",
  };

  it("turns a journal entry into a call record with a call activity on the contact, once", async () => {
    const { owner, agent, pbx } = await setup("cxjour");
    const contact = await create("/api/contacts", owner.token, { firstName: "Jo", lastName: "Journal", phone: "+14155550194" });
    const res = await journal(pbx.id, pbx.webhookSecret, answered);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ status: "completed", contactId: contact.id });

    const call = (await api(`/api/telephony/calls/${res.body.data.callId}`, { token: owner.token })).body.data;
    expect(call).toMatchObject({
      providerId: pbx.id,
      direction: "inbound",
      status: "completed",
      from: "+14155550194",
      to: "201",
      agentUserId: agent.userId,
      contactId: contact.id,
      startedAt: Date.UTC(2026, 10, 20, 15, 0, 0),
      answeredAt: Date.UTC(2026, 10, 20, 15, 0, 20),
      endedAt: Date.UTC(2026, 10, 20, 15, 3, 25),
      ringSeconds: 20,
      talkSeconds: 185,
      durationSeconds: 205,
    });
    const activities = (await api(`/api/activities?contactId=${contact.id}`, { token: owner.token })).body.data;
    expect(activities.filter((a: { type: string }) => a.type === "call")).toEqual([expect.objectContaining({ id: call.activityId, subject: "Inbound call from +14155550194" })]);

    // 3CX retries: same entry, nothing new (form-encoded this time, as templates may send).
    const again = await journal(pbx.id, pbx.webhookSecret, answered, true);
    expect(again.status).toBe(200);
    expect(again.body.data.callId).toBe(call.id);
    expect(await callCount(owner.orgId)).toBe(1);
    const after = (await api(`/api/activities?contactId=${contact.id}`, { token: owner.token })).body.data;
    expect(after.filter((a: { type: string }) => a.type === "call")).toHaveLength(1);
  });

  it("journals missed and unanswered outbound calls", async () => {
    const { owner, pbx } = await setup("cxmiss");
    const missed = await journal(pbx.id, pbx.webhookSecret, { callType: "Missed", number: "+14155550195", agent: "201", duration: "0", callStartUtc: "2026-11-20T16:00:00Z", callEndUtc: "2026-11-20T16:00:25Z" });
    expect(missed.body.data.status).toBe("no_answer");
    const outbound = await journal(pbx.id, pbx.webhookSecret, { callType: "Notanswered", number: "+14155550196", agent: "201", callStartUtc: "1763654400", duration: "00:00:00" });
    expect(outbound.status, JSON.stringify(outbound.body)).toBe(200);
    const calls = (await api("/api/telephony/calls?sort=startedAt", { token: owner.token })).body.data;
    expect(calls.map((c: { direction: string; answeredAt: number | null; from: string; to: string }) => [c.direction, c.answeredAt, c.from, c.to])).toEqual([
      ["outbound", null, "201", "+14155550196"],
      ["inbound", null, "+14155550195", "201"],
    ]);
  });

  it("rejects wrong keys, foreign providers and bad entries without writing", async () => {
    const { owner, pbx } = await setup("cxjbad");
    const other = await setup("cxjbad2");
    expectError(await journal(pbx.id, null, answered), 401, "unauthorized");
    expectError(await journal(pbx.id, other.pbx.webhookSecret, answered), 401, "unauthorized");
    expectError(await journal(pbx.id, null, answered, false, `?key=${encodeURIComponent(pbx.webhookSecret)}`), 401, "unauthorized");
    const asterisk = await createPbx(owner);
    expectError(await journal(asterisk.id, asterisk.webhookSecret, answered), 404, "not_found");
    expectError(await journal(pbx.id, pbx.webhookSecret, { ...answered, callType: "Sideways" }), 400, "validation_error");
    expectError(await journal(pbx.id, pbx.webhookSecret, { ...answered, callStartUtc: "yesterday-ish" }), 400, "validation_error");
    expectError(await journal(pbx.id, pbx.webhookSecret, { ...answered, duration: "a:b" }), 400, "validation_error");
    expectError(await journal(pbx.id, pbx.webhookSecret, { ...answered, callEndUtc: "2026-11-20 14:00:00" }), 400, "validation_error");
    expect(await callCount(owner.orgId)).toBe(0);
    expect(await callCount(other.owner.orgId)).toBe(0);
  });
});

describe("3CX CRM template", () => {
  it("downloads an XML template pointing 3CX at this provider's endpoints, with the key as a parameter", async () => {
    const { owner, pbx } = await setup("cxtpl");
    const res = await fetchTemplate(owner, pbx.id);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/xml");
    expect(res.headers.get("content-disposition")).toContain("attachment");
    const xml = res.text;
    expect(xml).toMatch(/^<\?xml version="1.0" encoding="utf-8"\?>/);
    expect(xml).toContain(`Url="http://neuracrm.test/api/telephony/3cx/${pbx.id}/lookup?number=[Number]"`);
    expect(xml).toContain(`Url="http://neuracrm.test/api/telephony/3cx/${pbx.id}/journal"`);
    expect(xml).toContain('<Scenario Id="" Type="REST">');
    expect(xml).toContain('<Scenario Id="ReportCall" Type="REST">');
    expect(xml.match(/<Value Key="X-NeuraCRM-Key" Passes="0" Type="String">\[ApiKey\]<\/Value>/g)).toHaveLength(2);
    expect(xml).not.toMatch(/[?&]key=/i);
    expect(xml).toContain('<Variable Name="ContactUrl" Path="contacts.contactUrl">');
    expect(xml).not.toContain(pbx.webhookSecret);
    // Well-formed: every raw ampersand is escaped.
    expect(xml).not.toMatch(/&(?!amp;|lt;|gt;|quot;|apos;)/);
  });

  it("is for managers, for 3CX providers of the caller's organization only", async () => {
    const { owner, agent, pbx } = await setup("cxtplperm");
    expect((await fetchTemplate(agent, pbx.id)).status).toBe(403);
    const asterisk = await createPbx(owner);
    expect((await fetchTemplate(owner, asterisk.id)).status).toBe(400);
    const other = await registerAccount("cxtplother");
    expect((await fetchTemplate(other, pbx.id)).status).toBe(404);
  });
});

async function fetchTemplate(account: Account, providerId: string) {
  const res = await api(`/api/telephony/providers/${providerId}/3cx-template`, { token: account.token });
  return { status: res.status, headers: res.headers, text: (res.body as unknown as { raw: string }).raw };
}
