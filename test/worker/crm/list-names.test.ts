import { describe, expect, it } from "vitest";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";

const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((r) => [r.id, r]));

describe("list rows carry the names of linked records", () => {
  it("contacts show their company, deals their contact and company, activities what they are about", async () => {
    const owner = await registerAccount("names");
    const acme = await create("/api/companies", owner.token, { name: "Acme Corp" });
    const ann = await create("/api/contacts", owner.token, { firstName: "Ann", lastName: "Lee", companyId: acme.id });
    const solo = await create("/api/contacts", owner.token, { firstName: "Solo" });
    const lead = await create("/api/leads", owner.token, { firstName: "Lea", lastName: "Dee" });
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Big one", contactId: ann.id, companyId: acme.id } })).body.data;
    const bare = (await api("/api/deals", { token: owner.token, body: { title: "Bare" } })).body.data;
    const note = await create("/api/activities", owner.token, {
      type: "note", subject: "About everything", dealId: deal.id, contactId: ann.id, leadId: lead.id, companyId: acme.id,
    });

    const contacts = byId((await api("/api/contacts", { token: owner.token })).body.data);
    expect(contacts.get(ann.id)).toMatchObject({ companyId: acme.id, companyName: "Acme Corp" });
    expect(contacts.get(solo.id)).toMatchObject({ companyId: null, companyName: null });

    const deals = byId((await api("/api/deals", { token: owner.token })).body.data);
    expect(deals.get(deal.id)).toMatchObject({ contactName: "Ann Lee", companyName: "Acme Corp" });
    expect(deals.get(bare.id)).toMatchObject({ contactName: null, companyName: null });

    const [activity] = (await api(`/api/activities?dealId=${deal.id}`, { token: owner.token })).body.data;
    expect(activity).toMatchObject({ id: note.id, dealTitle: "Big one", contactName: "Ann Lee", leadName: "Lea Dee", companyName: "Acme Corp" });

    // Filters, sorting and paging still apply to the joined query.
    const page = await api("/api/contacts?sort=name&per_page=1", { token: owner.token });
    expect(page.body.meta.total).toBe(2);
    expect(page.body.data).toHaveLength(1);
    expect(page.body.data[0].id).toBe(solo.id);
  });

  it("hides the name of a linked record the caller may not see", async () => {
    const owner = await registerAccount("namesown");
    const agent = await addMember(owner, "agent");
    const secret = await create("/api/companies", owner.token, { name: "Secret Co" });
    const mine = await create("/api/contacts", agent.token, { firstName: "Mine", companyId: secret.id });
    await restrictToOwnRecords(owner);
    const [row] = (await api("/api/contacts", { token: agent.token })).body.data;
    expect(row).toMatchObject({ id: mine.id, companyId: secret.id, companyName: null });
    const [ownerView] = (await api(`/api/contacts?q=Mine`, { token: owner.token })).body.data;
    expect(ownerView.companyName).toBe("Secret Co");
  });
});
