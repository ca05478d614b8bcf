import { describe, expect, it } from "vitest";
import { addMember, api, expectError, registerAccount } from "../../helpers";
import { openInvoice } from "../financial/stripe-fixture";
import { typesOf, waitForDomainEvents } from "./events-fixture";

const manual = (invoiceId: string, amount: number) => ({ invoiceId, amount, currency: "USD", method: "bank_transfer", receivedAt: Date.now(), reference: "SEPA 9" });

describe("domain events of invoices", () => {
  it("raises created, updated on each change, and invoice.paid with the payment once it is covered", async () => {
    const owner = await registerAccount("evinv");
    const viewer = await addMember(owner, "viewer");
    const invoice = await openInvoice(owner, 10_000);
    expectError(await api("/api/financial/payments", { token: viewer.token, body: manual(invoice.id, 100) }), 403, "forbidden");
    expect((await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, 4_000) })).status).toBe(201);
    const last = await api("/api/financial/payments", { token: owner.token, body: manual(invoice.id, invoice.total - 4_000) });
    expect(last.status, JSON.stringify(last.body)).toBe(201);
    const events = await waitForDomainEvents(owner.orgId, 5, invoice.id);
    expect(typesOf(events)).toEqual(["invoice.created", "invoice.updated", "invoice.updated", "invoice.updated", "invoice.paid"]);
    expect(events.slice(1, 4).map((e) => e.context)).toEqual([{ change: "finalized" }, { change: "partially_paid" }, { change: "paid" }]);
    expect(events[0]!.record).toMatchObject({ id: invoice.id, status: "draft" });
    // Each update carries the document as last announced, so field_changed triggers can compare old and new.
    expect(events[1]!.previous).toMatchObject({ status: "draft" });
    expect(events[1]!.changed).toContain("status");
    expect(events[3]!.previous).toMatchObject({ status: "open", amountPaid: 4_000 });
    expect(events[3]!.changed).toEqual(expect.arrayContaining(["amountDue", "amountPaid", "status"]));
    expect(events[4]).toMatchObject({
      entity: "invoice",
      actorId: owner.userId,
      record: { id: invoice.id, status: "paid", amountDue: 0 },
      context: { paymentId: last.body.data.id, amount: invoice.total - 4_000, currency: "USD" },
    });
  });
});
