import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";

async function leadIn(label: string, body: Record<string, unknown> = {}) {
  const owner = await registerAccount(label);
  const pipeline = await defaultPipeline(owner.orgId);
  const res = await api("/api/leads", {
    token: owner.token,
    body: { firstName: "Lena", lastName: "Lead", email: `lena.${label}@example.com`, companyName: "Lead Corp", ...body },
  });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return { owner, pipeline, lead: res.body.data };
}

describe("lead conversion", () => {
  it("creates a contact, a company and a deal, and keeps the lead's history", async () => {
    const { owner, pipeline, lead } = await leadIn("conv1");
    const note = await api("/api/activities", { token: owner.token, body: { type: "note", subject: "First call", leadId: lead.id } });
    expect(note.status, JSON.stringify(note.body)).toBe(201);
    const res = await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: { deal: { amount: 9000 } } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const { contactId, companyId, deal } = res.body.data;
    expect(deal).toMatchObject({ title: "Lead Corp deal", amount: 9000, contactId, companyId, leadId: lead.id, pipelineId: pipeline.id });
    const contact = await api(`/api/contacts/${contactId}`, { token: owner.token });
    expect(contact.body.data).toMatchObject({ firstName: "Lena", lastName: "Lead", email: lead.email, companyId });
    expect((await api(`/api/companies/${companyId}`, { token: owner.token })).body.data.name).toBe("Lead Corp");
    const after = await api(`/api/leads/${lead.id}`, { token: owner.token });
    expect(after.body.data).toMatchObject({ status: "converted", convertedContactId: contactId, convertedCompanyId: companyId, convertedDealId: deal.id });
    const history = await api(`/api/activities?dealId=${deal.id}`, { token: owner.token });
    expect(history.body.data.map((a: { subject: string }) => a.subject)).toContain("First call");
  });

  it("reuses a contact with the same email and a company with the same name", async () => {
    const { owner, lead } = await leadIn("conv2");
    const company = (await api("/api/companies", { token: owner.token, body: { name: "lead corp" } })).body.data;
    const contact = (await api("/api/contacts", { token: owner.token, body: { firstName: "Existing", email: lead.email } })).body.data;
    const res = await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: { deal: null } });
    expect(res.body.data).toMatchObject({ contactId: contact.id, companyId: company.id, deal: null });
  });

  it("refuses a second conversion and a bad link, writing nothing", async () => {
    const { owner, lead } = await leadIn("conv3");
    const stranger = await registerAccount("conv3s");
    const foreign = (await api("/api/companies", { token: stranger.token, body: { name: "Not yours" } })).body.data;
    expectError(await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: { companyId: foreign.id } }), 400, "validation_error");
    expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data.status).toBe("new");
    expect((await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: {} })).status).toBe(200);
    expectError(await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: {} }), 409, "conflict");
  });

  it("undoes the conversion when the deal is refused", async () => {
    const { owner, lead } = await leadIn("conv4");
    const other = await defaultPipeline((await registerAccount("conv4o")).orgId);
    const res = await api(`/api/leads/${lead.id}/convert`, { token: owner.token, body: { deal: { stageId: other.stages[0]!.id } } });
    expect(res.status).toBe(400);
    expect((await api(`/api/leads/${lead.id}`, { token: owner.token })).body.data.status).toBe("new");
    expect((await api("/api/contacts", { token: owner.token })).body.meta.total).toBe(0);
    expect((await api("/api/companies", { token: owner.token })).body.meta.total).toBe(0);
  });

  it("is refused to viewers and hidden from other organizations", async () => {
    const { owner, lead } = await leadIn("conv5");
    const viewer = await addMember(owner, "viewer");
    expectError(await api(`/api/leads/${lead.id}/convert`, { token: viewer.token, body: {} }), 403, "forbidden");
    const stranger = await registerAccount("conv5s");
    expectError(await api(`/api/leads/${lead.id}/convert`, { token: stranger.token, body: {} }), 404, "not_found");
  });
});
