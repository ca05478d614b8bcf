import { abortAllDurableObjects } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { addMember, api, registerAccount } from "../../helpers";
import { joinRoom, openRoom, until } from "../../room-client";
import { notesText, orgWithDeal, write } from "./deal-notes-helpers";

describe("deal room", () => {
  it("lets members co-edit a deal's notes", async () => {
    const { owner, deal } = await orgWithDeal("dr1");
    const agent = await addMember(owner, "agent");
    const a = await joinRoom(deal.id, owner.token, "deal-room");
    const b = await joinRoom(deal.id, agent.token, "deal-room");
    write(a.doc, "Call back on Monday");
    await until(() => notesText(b.doc).includes("Call back on Monday"), "notes to reach B");
    a.close();
    b.close();
  });

  it("answers 404 for another organization's deal and for an unknown one", async () => {
    const { deal } = await orgWithDeal("dr2");
    const stranger = await registerAccount("dr2s");
    expect((await openRoom(deal.id, stranger.token, "deal-room")).status).toBe(404);
    expect((await openRoom(crypto.randomUUID(), stranger.token, "deal-room")).status).toBe(404);
    expect((await openRoom(deal.id, undefined, "deal-room")).status).toBe(401);
  });

  it("hides other people's deals from agents restricted to their own records", async () => {
    const { owner, deal } = await orgWithDeal("dr3");
    const agent = await addMember(owner, "agent");
    await api("/api/organizations/current", { method: "PATCH", token: owner.token, body: { settings: { recordVisibility: "own" } } });
    expect((await openRoom(deal.id, agent.token, "deal-room")).status).toBe(404);
  });

  it("keeps viewers read-only", async () => {
    const { owner, deal } = await orgWithDeal("dr4");
    const viewer = await addMember(owner, "viewer");
    const v = await joinRoom(deal.id, viewer.token, "deal-room");
    const o = await joinRoom(deal.id, owner.token, "deal-room");
    write(v.doc, "viewer scribble");
    write(o.doc, "owner note");
    await until(() => notesText(v.doc).includes("owner note"), "owner note to reach the viewer");
    const fresh = await joinRoom(deal.id, owner.token, "deal-room");
    expect(notesText(fresh.doc)).toContain("owner note");
    expect(notesText(fresh.doc)).not.toContain("viewer scribble");
    [v, o, fresh].forEach((c) => c.close());
  });

  it("keeps notes across a crash and deletes them with the deal", async () => {
    const { owner, deal } = await orgWithDeal("dr5");
    const a = await joinRoom(deal.id, owner.token, "deal-room");
    const b = await joinRoom(deal.id, owner.token, "deal-room");
    write(a.doc, "durable words");
    await until(() => notesText(b.doc).includes("durable words"), "acknowledged by fan-out");
    await abortAllDurableObjects();
    const fresh = await joinRoom(deal.id, owner.token, "deal-room");
    expect(notesText(fresh.doc)).toContain("durable words");
    await api(`/api/deals/${deal.id}`, { method: "DELETE", token: owner.token });
    await until(() => fresh.closed !== null, "the room to close on delete");
    expect((await openRoom(deal.id, owner.token, "deal-room")).status).toBe(404);
  });
});
