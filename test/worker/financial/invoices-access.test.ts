import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { draft, finalize, invoiceRow, oneLine } from "./invoices-fixture";

describe("who may see and change invoices", () => {
  it("answers 401 without a token", async () => {
    expectError(await api("/api/financial/invoices"), 401, "unauthorized");
    expectError(await api("/api/financial/invoices", { body: { currency: "USD" } }), 401, "unauthorized");
  });

  it("lets a viewer read but not draft, edit, finalize, void or delete, and writes nothing", async () => {
    const owner = await registerAccount("viewerorg");
    const viewer = await addMember(owner, "viewer");
    const d = await draft(owner);
    const open = await finalize(owner, (await draft(owner)).id);
    expect((await api(`/api/financial/invoices/${d.id}`, { token: viewer.token })).status).toBe(200);
    expect((await api("/api/financial/invoices", { token: viewer.token })).body.meta.total).toBe(2);
    const attempts = [
      api("/api/financial/invoices", { token: viewer.token, body: { currency: "USD", lines: oneLine() } }),
      api(`/api/financial/invoices/${d.id}`, { method: "PATCH", token: viewer.token, body: { memo: "mine" } }),
      api(`/api/financial/invoices/${d.id}/finalize`, { method: "POST", token: viewer.token }),
      api(`/api/financial/invoices/${d.id}`, { method: "DELETE", token: viewer.token }),
      api(`/api/financial/invoices/${open.id}/void`, { method: "POST", token: viewer.token }),
      api(`/api/financial/invoices/${open.id}/mark-uncollectible`, { method: "POST", token: viewer.token }),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 403, "forbidden");
    expect(await invoiceRow(d.id)).toMatchObject({ status: "draft", memo: null, number: null });
    expect((await invoiceRow(open.id))?.status).toBe("open");
    expect((await api("/api/financial/invoices", { token: owner.token })).body.meta.total).toBe(2);
  });

  it("shows an agent restricted to own records only the invoices they own", async () => {
    const owner = await registerAccount("ownorg");
    const agent = await addMember(owner, "agent");
    await restrictToOwnRecords(owner);
    const theirs = await draft(owner, { ownerId: agent.userId });
    const others = await draft(owner);
    const list = await api("/api/financial/invoices", { token: agent.token });
    expect(list.body.data.map((d: any) => d.id)).toEqual([theirs.id]);
    expect((await api(`/api/financial/invoices/${theirs.id}`, { token: agent.token })).status).toBe(200);
    expectError(await api(`/api/financial/invoices/${others.id}`, { token: agent.token }), 404, "not_found");
    const totals = await api("/api/financial/invoices/totals", { token: agent.token });
    expect(totals.body.data).toEqual([{ currency: "USD", count: 1, total: 10_000, amountPaid: 0, amountDue: 0 }]);
  });

  it("answers 404 for another organization's invoice and changes nothing there", async () => {
    const owner = await registerAccount("tenant-a");
    const stranger = await registerAccount("tenant-b");
    const d = await draft(owner);
    const attempts = [
      api(`/api/financial/invoices/${d.id}`, { token: stranger.token }),
      api(`/api/financial/invoices/${d.id}`, { method: "PATCH", token: stranger.token, body: { memo: "x" } }),
      api(`/api/financial/invoices/${d.id}/finalize`, { method: "POST", token: stranger.token }),
      api(`/api/financial/invoices/${d.id}`, { method: "DELETE", token: stranger.token }),
      api(`/api/financial/invoices/${d.id}/accept`, { method: "POST", token: stranger.token, body: { name: "Eve" } }),
    ];
    for (const res of await Promise.all(attempts)) expectError(res, 404, "not_found");
    expect(await invoiceRow(d.id)).toMatchObject({ status: "draft", memo: null });
    expect((await api("/api/financial/invoices", { token: stranger.token })).body.meta.total).toBe(0);
    const fromTheirDeal = await api("/api/financial/invoices", { token: stranger.token, body: { currency: "USD", companyId: d.companyId } });
    expectError(fromTheirDeal, 400, "validation_error");
  });
});
