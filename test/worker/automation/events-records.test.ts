import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { domainEvents, typesOf, waitForDomainEvents } from "./events-fixture";

describe("domain events of contacts, companies and leads", () => {
  it("raises created, updated (with previous and changed) and deleted for a contact, in its REST shape", async () => {
    const owner = await registerAccount("evc");
    const created = await api("/api/contacts", { token: owner.token, body: { firstName: "Ada", lastName: "Event", email: "ada.ev@example.com" } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    const patched = await api(`/api/contacts/${id}`, { method: "PATCH", token: owner.token, body: { title: "CTO" } });
    expect(patched.status).toBe(200);
    expect((await api(`/api/contacts/${id}`, { method: "DELETE", token: owner.token })).status).toBe(200);

    const events = await waitForDomainEvents(owner.orgId, 3, id);
    expect(typesOf(events)).toEqual(["contact.created", "contact.updated", "contact.deleted"]);
    const [create, update, remove] = events as [any, any, any];
    expect(create).toMatchObject({ orgId: owner.orgId, entity: "contact", entityId: id, actorId: owner.userId, previous: null, changed: [], origin: null });
    expect(create.record).toEqual(created.body.data);
    expect(update.record).toEqual(patched.body.data);
    expect(update.previous).toEqual(created.body.data);
    expect(update.changed).toEqual(expect.arrayContaining(["title", "updatedAt"]));
    expect(update.changed).not.toContain("email");
    expect(remove.record).toMatchObject({ id, title: "CTO" });
  });

  it("raises company and lead events, and none for an update that changes nothing", async () => {
    const owner = await registerAccount("evcl");
    const company = (await api("/api/companies", { token: owner.token, body: { name: "Evented Inc" } })).body.data;
    const lead = (await api("/api/leads", { token: owner.token, body: { firstName: "Lee", email: "lee.ev@example.com" } })).body.data;
    await api(`/api/companies/${company.id}`, { method: "PATCH", token: owner.token, body: { name: "Evented Inc" } });
    await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { status: "qualified" } });
    const events = await waitForDomainEvents(owner.orgId, 3);
    expect(typesOf(events)).toEqual(["company.created", "lead.created", "lead.updated"]);
    expect(events[2]).toMatchObject({ entityId: lead.id, previous: { status: "new" }, record: { status: "qualified" } });
  });

  it("raises no event for refused changes: a viewer's (403), another tenant's record (404), bad input (400)", async () => {
    const owner = await registerAccount("evref");
    const viewer = await addMember(owner, "viewer");
    const other = await registerAccount("evref2");
    const contact = (await api("/api/contacts", { token: owner.token, body: { firstName: "Kept" } })).body.data;
    await waitForDomainEvents(owner.orgId, 1);
    expectError(await api("/api/contacts", { token: viewer.token, body: { firstName: "No" } }), 403, "forbidden");
    expectError(await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: viewer.token, body: { firstName: "No" } }), 403, "forbidden");
    expectError(await api(`/api/contacts/${contact.id}`, { method: "PATCH", token: other.token, body: { firstName: "No" } }), 404, "not_found");
    expectError(await api(`/api/contacts/${contact.id}`, { method: "DELETE", token: other.token }), 404, "not_found");
    expectError(await api("/api/contacts", { token: owner.token, body: { firstName: "X", email: "not-an-email" } }), 400, "validation_error");
    // A change made afterwards arrives; the refused ones, queued before it if at all, would have too.
    const marker = (await api("/api/companies", { token: owner.token, body: { name: "Marker" } })).body.data;
    const events = await waitForDomainEvents(owner.orgId, 2);
    expect(typesOf(events)).toEqual(["contact.created", "company.created"]);
    expect(events[1]!.entityId).toBe(marker.id);
    expect(await domainEvents(other.orgId)).toEqual([]);
  });

  it("keeps each organization's events to itself", async () => {
    const a = await registerAccount("evta");
    const b = await registerAccount("evtb");
    await api("/api/contacts", { token: a.token, body: { firstName: "Only A" } });
    await api("/api/contacts", { token: b.token, body: { firstName: "Only B" } });
    const [eventA] = await waitForDomainEvents(a.orgId, 1);
    const [eventB] = await waitForDomainEvents(b.orgId, 1);
    expect(eventA!.record.firstName).toBe("Only A");
    expect(eventB!.record.firstName).toBe("Only B");
  });

  it("raises the lead's update and the contact and company a conversion created, plus the deal", async () => {
    const owner = await registerAccount("evconv");
    await defaultPipeline(owner.orgId);
    const lead = (await api("/api/leads", { token: owner.token, body: { firstName: "Cora", email: "cora.ev@example.com", companyName: "Conv Co" } })).body.data;
    const res = await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: { deal: { amount: 500 } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const events = await waitForDomainEvents(owner.orgId, 5);
    expect(typesOf(events).sort()).toEqual(["company.created", "contact.created", "deal.created", "lead.created", "lead.updated"]);
    const update = events.find((e) => e.type === "lead.updated")!;
    expect(update.previous).toMatchObject({ status: "new" });
    expect(update.record).toMatchObject({ status: "converted", convertedContactId: res.body.data.contactId });
    expect(events.find((e) => e.type === "contact.created")!.record).toMatchObject({ id: res.body.data.contactId, firstName: "Cora" });
    expect(events.find((e) => e.type === "company.created")!.record).toMatchObject({ id: res.body.data.companyId, name: "Conv Co" });
  });

  it("raises one created event per record an import created, none for a dry run", async () => {
    const owner = await registerAccount("evimp");
    const csv = "first_name,last_name,email,company\r\nIma,Port,ima@example.com,Importers\r\nOtto,Port,otto@example.com,Importers";
    const dry = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv, dryRun: true } });
    expect(dry.status, JSON.stringify(dry.body)).toBe(200);
    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv } });
    expect(res.body.data).toMatchObject({ committed: true, created: 2, companiesCreated: 1 });
    const events = await waitForDomainEvents(owner.orgId, 3);
    expect(typesOf(events).sort()).toEqual(["company.created", "contact.created", "contact.created"]);
    const company = events.find((e) => e.type === "company.created")!;
    const contacts = (await api("/api/contacts", { token: owner.token })).body.data;
    expect(contacts).toHaveLength(2);
    for (const contact of contacts) {
      expect(events.find((e) => e.entityId === contact.id)!.record).toMatchObject({ email: contact.email, companyId: company.entityId });
    }
  });
  it("raises an updated event with the previous values for each record an import changed, none for a row that changed nothing", async () => {
    const owner = await registerAccount("evimpu");
    const kept = (await api("/api/contacts", { token: owner.token, body: { firstName: "Kay", email: "kay@example.com", title: "Buyer" } })).body.data;
    const moved = (await api("/api/contacts", { token: owner.token, body: { firstName: "Max", email: "max@example.com", title: "Buyer" } })).body.data;
    await waitForDomainEvents(owner.orgId, 2);
    const csv = "first_name,email,title\r\nKay,kay@example.com,Buyer\r\nMax,max@example.com,Head of Purchasing";
    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv, dedupe: "update" } });
    expect(res.body.data, JSON.stringify(res.body)).toMatchObject({ committed: true, updated: 2, created: 0 });
    const events = await waitForDomainEvents(owner.orgId, 3);
    expect(typesOf(events)).toEqual(["contact.created", "contact.created", "contact.updated"]);
    const updated = events[2]!;
    expect(updated.entityId).toBe(moved.id);
    expect(updated.previous).toMatchObject({ id: moved.id, title: "Buyer" });
    expect(updated.record).toMatchObject({ id: moved.id, title: "Head of Purchasing" });
    expect(updated.changed).toContain("title");
    expect(updated.actorId).toBe(owner.userId);
    expect(events.filter((e) => e.entityId === kept.id).map((e) => e.type)).toEqual(["contact.created"]);
  });
});
