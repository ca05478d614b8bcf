import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { publishEvent } from "../../../worker/platform/room-rpc";
import { addMember, api, registerAccount } from "../../helpers";
import { restrictToOwnRecords } from "../../record-helpers";
import { joinRoom, openRoom, RoomClient, until } from "../../room-client";
import { draft, finalize, publicLink } from "./invoices-fixture";

const updates = (c: RoomClient, id: string) => c.events.filter((e) => e.type === "invoice_updated" && e.data.invoice.id === id).map((e) => e.data);

/** Members restricted to their own records get events only, without the board's sync. */
async function connect(orgId: string, token: string) {
  const res = await openRoom(orgId, token);
  expect(res.status).toBe(101);
  return new RoomClient(res.webSocket!);
}

/** Waits until every client has a marker event, so anything sent before it has arrived. */
async function settle(orgId: string, clients: RoomClient[]) {
  const title = crypto.randomUUID();
  await publishEvent(env, orgId, "notification", { title } as never);
  await until(() => clients.every((c) => c.events.some((e) => e.data?.title === title)), "the marker");
}

describe("invoice_updated", () => {
  it("tells members when a document is drafted, finalized, voided and answered, with its summary", async () => {
    const owner = await registerAccount("invev");
    const viewer = await addMember(owner, "viewer");
    const a = await joinRoom(owner.orgId, viewer.token);
    const inv = await draft(owner);
    await finalize(owner, inv.id);
    await api(`/api/financial/invoices/${inv.id}/void`, { method: "POST", token: owner.token });
    await until(() => updates(a, inv.id).length === 3, "three invoice events");
    expect(updates(a, inv.id).map((e) => e.change)).toEqual(["created", "finalized", "voided"]);
    expect(updates(a, inv.id)[1]).toMatchObject({ by: owner.userId, invoice: { id: inv.id, kind: "invoice", status: "open", number: expect.stringMatching(/^INV-/), total: 10_000, amountDue: 10_000 } });

    const quote = await finalize(owner, (await draft(owner, { kind: "quote" })).id);
    const token = await publicLink(quote.id);
    await api(`/api/public/documents/${token}/accept`, { body: { name: "Ada" }, headers: { "cf-connecting-ip": "198.18.7.7" } });
    await until(() => updates(a, quote.id).some((e) => e.change === "accepted"), "the accepted event");
    expect(updates(a, quote.id).at(-1)).toMatchObject({ change: "accepted", by: null, invoice: { status: "accepted" } });
    a.close();
  });

  it("sends a document only to members who may see it when agents see only their own records", async () => {
    const owner = await registerAccount("invevown");
    const ann = await addMember(owner, "agent", "ann");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const o = await joinRoom(owner.orgId, owner.token);
    const a = await connect(owner.orgId, ann.token);
    const b = await connect(owner.orgId, bob.token);
    const clients = [o, a, b];
    const annInvoice = await draft(owner, { ownerId: ann.userId });
    await until(() => updates(o, annInvoice.id).length === 1 && updates(a, annInvoice.id).length === 1, "the owner's and Ann's events");
    await settle(owner.orgId, clients);
    expect(updates(b, annInvoice.id)).toEqual([]);
    for (const c of clients) c.close();
  });
});
