import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { exports } from "cloudflare:workers";
import { addMember, api, BASE, expectError, registerAccount, type Account } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";

/** The export's rows as objects keyed by header. */
async function exported(who: Account, path: string) {
  const res = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { authorization: `Bearer ${who.token}` } }));
  // Keep the byte-order mark, which Response.text() would drop.
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(await res.arrayBuffer());
  expect(res.status, text.slice(0, 300)).toBe(200);
  const parsed = Papa.parse<Record<string, string>>(text.replace(/^\uFEFF/, ""), { header: true, skipEmptyLines: true });
  return { res, text, rows: parsed.data, fields: parsed.meta.fields };
}

describe("CSV export", () => {
  it("streams the filtered list with the API's field names", async () => {
    const owner = await registerAccount("ex");
    const co = await create("/api/companies", owner.token, { name: "Export Co" });
    await create("/api/contacts", owner.token, {
      firstName: "Xena",
      lastName: "Ward",
      email: "xena@ex.example",
      phone: "415 555 0132",
      companyId: co.id,
      tags: ["vip", "q3"],
    });
    await create("/api/contacts", owner.token, { firstName: "Yuri", lastName: "Avo", email: "yuri@ex.example" });
    const { res, text, rows, fields } = await exported(owner, "/api/contacts/export.csv");
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="contacts-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(text.startsWith("\uFEFFid,firstName,lastName,email,phone,title,companyId,companyName,source,ownerId,tags,createdAt,updatedAt\r\n")).toBe(true);
    expect(fields).toContain("companyName");
    expect(rows.map((r) => r.firstName)).toEqual(["Yuri", "Xena"]);
    expect(rows[1]).toMatchObject({ companyName: "Export Co", phone: "'+14155550132", tags: "vip; q3", ownerId: owner.userId });
    expect(new Date(rows[1]!.createdAt!).getTime()).toBeGreaterThan(0);

    expect((await exported(owner, "/api/contacts/export.csv?tag=vip")).rows.map((r) => r.firstName)).toEqual(["Xena"]);
    expect((await exported(owner, "/api/contacts/export.csv?sort=-name&q=ex.example")).rows.map((r) => r.firstName)).toEqual(["Xena", "Yuri"]);
    expect((await exported(owner, "/api/companies/export.csv")).rows.map((r) => r.name)).toEqual(["Export Co"]);
  });

  it("quotes cells a spreadsheet would run as formulas", async () => {
    const owner = await registerAccount("exformula");
    await create("/api/leads", owner.token, { firstName: "=HYPERLINK(\"http://evil\")", notes: "@SUM(A1)", companyName: "Comma, Inc" });
    const { rows } = await exported(owner, "/api/leads/export.csv");
    expect(rows[0]).toMatchObject({ firstName: "'=HYPERLINK(\"http://evil\")", notes: "'@SUM(A1)", companyName: "Comma, Inc", status: "new" });
  });

  it("exports every page of a long list", async () => {
    const owner = await registerAccount("exlong");
    const csv = ["First Name,Email", ...Array.from({ length: 1203 }, (_, i) => `P${i},p${i}@long.example`)].join("\n");
    expect((await api("/api/imports", { token: owner.token, body: { resource: "leads", csv } })).body.data.created).toBe(1203);
    const { rows } = await exported(owner, "/api/leads/export.csv?sort=email");
    expect(rows).toHaveLength(1203);
    expect(new Set(rows.map((r) => r.id)).size).toBe(1203);
  });

  it("imports back what it exported", async () => {
    const a = await registerAccount("exround");
    const b = await registerAccount("exround2");
    await create("/api/contacts", a.token, {
      firstName: "Round",
      lastName: "Trip",
      email: "rt@ex.example",
      phone: "+44 20 7946 0958",
      title: "-5 dB engineer",
      companyId: (await create("/api/companies", a.token, { name: "Loop Ltd" })).id,
      source: "export",
      tags: ["one", "two"],
    });
    const { text } = await exported(a, "/api/contacts/export.csv");
    const imported = await api("/api/imports", { token: b.token, body: { resource: "contacts", csv: text } });
    expect(imported.body.data).toMatchObject({ committed: true, created: 1, companiesCreated: 1 });
    expect(imported.body.data.ignoredColumns).toEqual(["id", "companyId", "ownerId", "createdAt", "updatedAt"]);
    const [copy] = (await api("/api/contacts", { token: b.token })).body.data;
    expect(copy).toMatchObject({
      firstName: "Round",
      lastName: "Trip",
      email: "rt@ex.example",
      phone: "+442079460958",
      title: "-5 dB engineer",
      source: "export",
      tags: ["one", "two"],
      ownerId: b.userId,
    });
    expect((await api(`/api/contacts/${copy.id}`, { token: b.token })).body.data.company.name).toBe("Loop Ltd");
  });

  it("respects roles, organizations and row-level access", async () => {
    const owner = await registerAccount("exacc");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const other = await registerAccount("exacc2");
    await create("/api/leads", owner.token, { firstName: "Owners" });
    await create("/api/leads", agent.token, { firstName: "Agents" });
    await create("/api/leads", other.token, { firstName: "Elsewhere" });
    expectError(await api("/api/leads/export.csv"), 401, "unauthorized");
    expect((await exported(viewer, "/api/leads/export.csv?sort=name")).rows.map((r) => r.firstName)).toEqual(["Agents", "Owners"]);
    await restrictToOwnRecords(owner);
    expect((await exported(agent, "/api/leads/export.csv")).rows.map((r) => r.firstName)).toEqual(["Agents"]);
    expect((await exported(other, "/api/leads/export.csv")).rows.map((r) => r.firstName)).toEqual(["Elsewhere"]);
    expectError(await api("/api/leads/export.csv?sort=bogus", { token: owner.token }), 400, "validation_error");
  });
});
