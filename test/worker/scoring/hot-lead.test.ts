import { describe, expect, it } from "vitest";
import { addMember, api, registerAccount } from "../../helpers";
import { create, restrictToOwnRecords } from "../../record-helpers";

/** Polls an async check (the refresh runs as a queue job a few seconds after the write). */
async function eventually<T>(read: () => Promise<T>, ok: (value: T) => boolean, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

type InboxItem = { kind: string; recordId?: string; record?: { id: string }; headline: string; evidence: { detail?: string }[] };
const hotLeads = async (token: string) => ((await api("/api/insights?kind=hot_lead", { token })).body.data ?? []) as InboxItem[];
const about = (items: InboxItem[], id: string) => items.filter((i) => (i.record?.id ?? i.recordId) === id);

describe("hot leads", () => {
  it("a lead whose score jumps 20+ points to 70+ raises a hot_lead insight citing why, for those who may see it", async () => {
    const owner = await registerAccount("hotlead");
    const bob = await addMember(owner, "agent", "bob");
    await restrictToOwnRecords(owner);
    const rules = [{ feature: "tags", op: "eq", value: "hot", points: 40, label: "Tagged hot" }];
    expect((await api("/api/scoring/rules/lead", { method: "PUT", token: owner.token, body: { rules } })).status).toBe(200);

    const lead = await create("/api/leads", owner.token, { firstName: "Hattie", lastName: "Hot" });
    await eventually(() => api(`/api/leads/${lead.id}`, { token: owner.token }).then((r) => r.body.data.score), (s) => s === 50, "the first score");
    expect(about(await hotLeads(owner.token), lead.id)).toEqual([]);

    expect((await api(`/api/leads/${lead.id}`, { method: "PATCH", token: owner.token, body: { tags: ["hot"] } })).status).toBe(200);
    const [insight] = about(await eventually(() => hotLeads(owner.token), (items) => about(items, lead.id).length === 1, "the hot lead insight"), lead.id);
    expect(insight!.headline).toBe("Hattie Hot jumped from 50 to 90");
    expect(insight!.evidence.map((e) => e.detail).join(" ")).toContain("Tagged hot (+40)");
    expect(about(await hotLeads(bob.token), lead.id)).toEqual([]);
  });
});
