import { and, count, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditLog, contacts, importChunks, leads } from "../../../schema";
import { newId } from "../../../worker/platform/ids";
import { commitImport, type StagedOp } from "../../../worker/crm/imports/import-commit";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { create, restrictToOwnRecords, testDb } from "../../record-helpers";

const importCsv = (who: Account, body: Record<string, unknown>) => api("/api/imports", { token: who.token, body });
const csvOf = (rows: string[][]) => rows.map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(",")).join("\r\n");
const total = async (who: Account, path: string) => (await api(path, { token: who.token })).body.meta.total as number;

describe("CSV import", () => {
  it("maps a Salesforce contact export, linking contacts to companies by account name", async () => {
    const owner = await registerAccount("imsf");
    const existing = await create("/api/companies", owner.token, { name: "Acme Corp" });
    const csv = csvOf([
      ["First Name", "Last Name", "Account Name", "Title", "Email", "Phone", "Mobile", "Lead Source", "Mailing Street"],
      ["Ann", "Lee", "ACME corp", "CTO", "Ann@Acme.example", "(415) 555-0132", "", "Web", "1 Main St"],
      ["Bo", "Chan", "Globex", "", "bo@globex.example", "", "+44 20 7946 0958", "Referral", ""],
      ["Cy", "Ng", "globex", "", "cy@globex.example", "", "", "", ""],
    ]);
    const res = await importCsv(owner, { resource: "contacts", csv });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ committed: true, rows: 3, created: 3, updated: 0, skipped: 0, companiesCreated: 1, errors: [] });
    expect(res.body.data.mapping).toEqual({
      "First Name": "firstName",
      "Last Name": "lastName",
      "Account Name": "companyName",
      Title: "title",
      Email: "email",
      Phone: "phone",
      Mobile: "phone",
      "Lead Source": "source",
    });
    expect(res.body.data.ignoredColumns).toEqual(["Mailing Street"]);

    const list = (await api("/api/contacts?sort=email", { token: owner.token })).body.data;
    expect(list.map((c: { email: string; phone: string | null; source: string | null }) => [c.email, c.phone, c.source])).toEqual([
      ["ann@acme.example", "+14155550132", "Web"],
      ["bo@globex.example", "+442079460958", "Referral"],
      ["cy@globex.example", null, null],
    ]);
    expect(list[0]).toMatchObject({ firstName: "Ann", lastName: "Lee", title: "CTO", companyId: existing.id, ownerId: owner.userId });
    const globex = (await api("/api/companies?q=globex", { token: owner.token })).body.data;
    expect(globex).toHaveLength(1);
    expect(list[1].companyId).toBe(globex[0].id);
    expect(list[2].companyId).toBe(globex[0].id);
  });

  it("maps a Salesforce account export, joining the billing address", async () => {
    const owner = await registerAccount("imacct");
    const csv = csvOf([
      ["Account Name", "Website", "Phone", "Industry", "Employees", "Billing Street", "Billing City", "Billing State/Province", "Billing Zip/Postal Code", "Billing Country"],
      ["Initech", "www.initech.example", "212 555 0100", "Software", "120", "4120 Freidrich Ln", "Austin", "TX", "78744", "USA"],
    ]);
    const res = await importCsv(owner, { resource: "companies", csv });
    expect(res.body.data).toMatchObject({ committed: true, created: 1 });
    const [company] = (await api("/api/companies", { token: owner.token })).body.data;
    expect(company).toMatchObject({
      name: "Initech",
      website: "https://www.initech.example",
      domain: "initech.example",
      phone: "+12125550100",
      industry: "Software",
      size: "120",
      address: "4120 Freidrich Ln, Austin, TX, 78744, USA",
    });
  });

  it("maps Salesforce lead statuses and reports the ones it cannot", async () => {
    const owner = await registerAccount("imlead");
    const rows = [
      ["First Name", "Last Name", "Company", "Email", "Lead Status", "Lead Source", "Description", "Rating"],
      ["Al", "One", "One Inc", "al@one.example", "Open - Not Contacted", "Web", "Met at expo", "Hot"],
      ["Bea", "Two", "Two Inc", "bea@two.example", "Working - Contacted", "", "", ""],
      ["Cal", "Three", "", "cal@three.example", "Closed - Not Converted", "", "", ""],
    ];
    const ok = await importCsv(owner, { resource: "leads", csv: csvOf(rows) });
    expect(ok.body.data).toMatchObject({ committed: true, created: 3 });
    const leads = (await api("/api/leads?sort=name", { token: owner.token })).body.data;
    expect(leads.map((l: { status: string }) => l.status)).toEqual(["new", "unqualified", "contacted"]);
    expect(leads[0]).toMatchObject({ companyName: "One Inc", source: "Web", notes: "Met at expo" });

    const bad = await importCsv(owner, { resource: "leads", csv: csvOf([rows[0]!, ["Dee", "Four", "", "", "Closed - Converted", "", "", ""]]) });
    expect(bad.body.data.committed).toBe(false);
    expect(bad.body.data.errors).toEqual([{ row: 2, field: "status", message: expect.stringContaining("converted") }]);
  });

  it("takes an explicit mapping over the detected one", async () => {
    const owner = await registerAccount("immap");
    const csv = csvOf([
      ["Given", "E-mail Addr", "Title", "Notes"],
      ["Dora", "dora@map.example", "Boss", "ignored"],
    ]);
    const res = await importCsv(owner, { resource: "contacts", csv, mapping: { Given: "firstName", "E-mail Addr": "email", Title: null } });
    expect(res.body.data).toMatchObject({ committed: true, created: 1, ignoredColumns: ["Title", "Notes"] });
    const [contact] = (await api("/api/contacts", { token: owner.token })).body.data;
    expect(contact).toMatchObject({ firstName: "Dora", email: "dora@map.example", title: null });

    const unknownField = await importCsv(owner, { resource: "contacts", csv, mapping: { Given: "nickname" } });
    expectError(unknownField, 400, "validation_error");
    expect(unknownField.body.error.details).toHaveProperty(["mapping.Given"]);
    const unknownColumn = await importCsv(owner, { resource: "contacts", csv, mapping: { Nope: "firstName" } });
    expectError(unknownColumn, 400, "validation_error");
    expect(unknownColumn.body.error.details).toHaveProperty(["mapping.Nope"]);
    const noName = await importCsv(owner, { resource: "contacts", csv: csvOf([["E-mail Addr"], ["x@y.example"]]) });
    expectError(noName, 400, "validation_error");
    expect(noName.body.error.details).toHaveProperty("mapping");
  });

  it("splits a full name column", async () => {
    const owner = await registerAccount("imfull");
    await importCsv(owner, { resource: "leads", csv: csvOf([["Name", "Email"], ["Mary Ann Smith", "mas@x.example"], ["Cher", ""]]) });
    const leads = (await api("/api/leads?sort=email", { token: owner.token })).body.data;
    expect(leads.map((l: { firstName: string; lastName: string }) => [l.firstName, l.lastName])).toEqual([
      ["Mary Ann", "Smith"],
      ["Cher", ""],
    ]);
  });

  it("skips or updates rows matching existing records by email, and skips repeats within the file", async () => {
    const owner = await registerAccount("imdedupe");
    const existing = await create("/api/contacts", owner.token, { firstName: "Eve", lastName: "Old", email: "eve@x.example", title: "Keep me" });
    const csv = csvOf([
      ["First Name", "Last Name", "Email", "Title", "Tags"],
      ["Eve", "New", "EVE@x.example", "", "a; b"],
      ["Fay", "Fresh", "fay@x.example", "", ""],
      ["Fay", "Again", "fay@x.example", "", ""],
    ]);
    const skip = await importCsv(owner, { resource: "contacts", csv, dedupe: "skip", dryRun: true });
    expect(skip.body.data).toMatchObject({ committed: false, created: 1, updated: 0, skipped: 2 });

    const update = await importCsv(owner, { resource: "contacts", csv, dedupe: "update" });
    expect(update.body.data).toMatchObject({ committed: true, created: 1, updated: 1, skipped: 1 });
    const eve = (await api(`/api/contacts/${existing.id}`, { token: owner.token })).body.data;
    expect(eve).toMatchObject({ lastName: "New", title: "Keep me", tags: ["a", "b"], updatedBy: owner.userId });
    expect((await api("/api/contacts?email=fay@x.example", { token: owner.token })).body.data.map((c: { lastName: string }) => c.lastName)).toEqual(["Fresh"]);

    const again = await importCsv(owner, { resource: "contacts", csv });
    expect(again.body.data).toMatchObject({ committed: true, created: 0, updated: 0, skipped: 3 });
    expect(await total(owner, "/api/contacts")).toBe(2);
  });

  it("updates a converted lead's details but never its status", async () => {
    const owner = await registerAccount("imconv");
    const lead = await create("/api/leads", owner.token, { firstName: "Conv", email: "conv@x.example", title: "Old" });
    await testDb().update(leads).set({ status: "converted" }).where(eq(leads.id, lead.id));
    const csv = csvOf([["First Name", "Email", "Title", "Lead Status"], ["Conv", "conv@x.example", "New", "Qualified"]]);
    expect((await importCsv(owner, { resource: "leads", csv, dedupe: "update" })).body.data).toMatchObject({ updated: 1 });
    expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data).toMatchObject({ status: "converted", title: "New" });
  });

  it("deduplicates companies by domain", async () => {
    const owner = await registerAccount("imdom");
    await create("/api/companies", owner.token, { name: "Old name", domain: "dom.example" });
    const csv = csvOf([["Company Name", "Website"], ["New name", "https://www.DOM.example/x"], ["Other", "other.example"]]);
    const res = await importCsv(owner, { resource: "companies", csv, dedupe: "update" });
    expect(res.body.data).toMatchObject({ created: 1, updated: 1 });
    const names = (await api("/api/companies?sort=name", { token: owner.token })).body.data.map((c: { name: string }) => c.name);
    expect(names).toEqual(["New name", "Other"]);
  });

  it("writes nothing on a dry run", async () => {
    const owner = await registerAccount("imdry");
    const res = await importCsv(owner, { resource: "leads", csv: csvOf([["First Name"], ["Dry"], ["Run"]]), dryRun: true });
    expect(res.body.data).toMatchObject({ dryRun: true, committed: false, importId: null, created: 2 });
    expect(await total(owner, "/api/leads")).toBe(0);
    expect((await api("/api/audit-log?entity=import", { token: owner.token })).body.meta.total).toBe(0);
  });

  it("reports every bad row and imports none of the file", async () => {
    const owner = await registerAccount("imbad");
    const csv = csvOf([
      ["First Name", "Email", "Phone", "Score", "Notes"],
      ["Good", "good@x.example", "", "10", "multi\nline note"],
      ["", "noname@x.example", "", "", ""],
      ["Bad", "not-an-email", "12", "200", ""],
      ["Also good", "", "", "", ""],
    ]);
    const res = await importCsv(owner, { resource: "leads", csv });
    expect(res.status).toBe(200);
    // A score column is not imported: scores are computed (worker/scoring).
    expect(res.body.data).toMatchObject({ committed: false, importId: null, errorCount: 3 });
    expect(res.body.data.errors).toEqual([
      { row: 3, field: "firstName", message: expect.any(String) },
      { row: 4, field: "email", message: expect.any(String) },
      { row: 4, field: "phone", message: expect.stringContaining("phone") },
    ]);
    expect(await total(owner, "/api/leads")).toBe(0);
    const quotes = await importCsv(owner, { resource: "leads", csv: 'First Name,Email\nOk,ok@x.example\n"Broken,x@y.example\n' });
    expect(quotes.body.data.committed).toBe(false);
    expect(quotes.body.data.errors[0]).toMatchObject({ row: 3, field: "_" });
  });

  it("imports more rows than one D1 batch takes, all or nothing", async () => {
    const owner = await registerAccount("imbig");
    const header = ["First Name", "Last Name", "Email", "Phone", "Tags"];
    const rows = Array.from({ length: 1500 }, (_, i) => [`Person${i}`, `Bulk`, `p${i}@bulk.example`, `+1 415 555 ${String(i % 10000).padStart(4, "0")}`, "bulk"]);
    const spoiled = await importCsv(owner, { resource: "contacts", csv: csvOf([header, ...rows, ["Last", "Bad", "bad-email", "", ""]]) });
    expect(spoiled.body.data).toMatchObject({ committed: false, created: 1500, errorCount: 1 });
    expect(spoiled.body.data.errors[0].row).toBe(1502);
    expect(await total(owner, "/api/contacts")).toBe(0);

    const res = await importCsv(owner, { resource: "contacts", csv: csvOf([header, ...rows]) });
    expect(res.body.data).toMatchObject({ committed: true, created: 1500 });
    expect(await total(owner, "/api/contacts?tag=bulk")).toBe(1500);
    const audit = await api(`/api/audit-log?entity=contact&action=create&per_page=1`, { token: owner.token });
    expect(audit.body.meta.total).toBe(1500);
    expect(audit.body.data[0].changes).toEqual({ importId: res.body.data.importId });
    const summary = await api(`/api/audit-log?entity=import&entityId=${res.body.data.importId}`, { token: owner.token });
    expect(summary.body.data[0].changes).toMatchObject({ resource: "contacts", created: 1500 });
    const [staged] = await testDb().select({ n: count() }).from(importChunks).where(eq(importChunks.orgId, owner.orgId));
    expect(staged!.n).toBe(0);
  });

  it("applies nothing when the commit fails part-way", async () => {
    const owner = await registerAccount("imatomic");
    const actor = { userId: owner.userId, orgId: owner.orgId, role: "owner" as const, sessionId: "s", recordVisibility: "all" as const };
    const op = (firstName: string | null): StagedOp => ({
      t: "contacts", e: "contact", op: "create", id: newId(), a: newId(), first_name: firstName, last_name: "", owner_id: owner.userId, tags: [],
    });
    // 2,000 valid rows staged over several chunks, and one that violates NOT NULL last.
    const ops = [...Array.from({ length: 2000 }, (_, i) => op(`Row ${i} ${"x".repeat(300)}`)), op(null)];
    const summary = { resource: "contacts" as const, created: ops.length, updated: 0, skipped: 0, companiesCreated: 0 };
    const failure = await commitImport(testDb(), owner.orgId, actor, newId(), ops, summary).catch((err: Error) => err);
    expect(`${failure} ${(failure as Error).cause ?? ""}`).toContain("NOT NULL constraint failed: contacts.first_name");
    const db = testDb();
    const [people] = await db.select({ n: count() }).from(contacts).where(eq(contacts.orgId, owner.orgId));
    const [audits] = await db.select({ n: count() }).from(auditLog).where(and(eq(auditLog.orgId, owner.orgId), eq(auditLog.entity, "contact")));
    const [staged] = await db.select({ n: count() }).from(importChunks).where(eq(importChunks.orgId, owner.orgId));
    expect([people!.n, staged!.n]).toEqual([0, 0]);
    expect(audits!.n).toBe(0);
  });

  it("needs records:write, matches only records the caller can see, and stays in the organization", async () => {
    const owner = await registerAccount("imacc");
    const viewer = await addMember(owner, "viewer");
    const agent = await addMember(owner, "agent");
    const other = await registerAccount("imaccother");
    const csv = csvOf([["First Name", "Email"], ["Shared", "shared@x.example"]]);
    expectError(await importCsv(viewer, { resource: "contacts", csv }), 403, "forbidden");
    await create("/api/contacts", other.token, { firstName: "Elsewhere", email: "shared@x.example" });
    expect((await importCsv(owner, { resource: "contacts", csv })).body.data).toMatchObject({ created: 1, skipped: 0 });
    await restrictToOwnRecords(owner);
    // The owner's contact is hidden from the agent, so the agent's row is new to them.
    expect((await importCsv(agent, { resource: "contacts", csv })).body.data).toMatchObject({ created: 1, skipped: 0 });
    expect(await total(other, "/api/contacts")).toBe(1);
    const badOwner = await importCsv(owner, { resource: "contacts", csv, ownerId: other.userId });
    expectError(badOwner, 400, "validation_error");
    expect(badOwner.body.error.details).toHaveProperty("ownerId");
  });

  it("takes CSV beyond the 1 MiB JSON limit, up to 5 MB", async () => {
    const owner = await registerAccount("imsize");
    const row = `Someone,${"n".repeat(990)}\n`;
    const twoMb = `First Name,Notes\n${row.repeat(2_000)}`;
    const res = await importCsv(owner, { resource: "leads", csv: twoMb, dryRun: true });
    expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
    expect(res.body.data.created).toBe(2000);
    expectError(await importCsv(owner, { resource: "leads", csv: `First Name\n${"x\n".repeat(2_700_000)}` }), 413, "payload_too_large");
  });
});
