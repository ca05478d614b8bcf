import { describe, expect, it } from "vitest";
import { addMember, api, registerAccount } from "../../helpers";
import { joinRoom, until } from "../../room-client";

const ROWS = 3000;
const PHASES = ["validating", "matching", "writing", "done"];

function bigCsv(prefix: string, bad?: number) {
  const lines = ["First Name,Last Name,Email"];
  for (let i = 0; i < ROWS; i++) lines.push(`P${i},${prefix},${i === bad ? "not-an-email" : `${prefix}${i}@example.com`}`);
  return lines.join("\n");
}

const progressOf = (events: { type: string; data: any }[], progressId: string) =>
  events.filter((e) => e.type === "import_progress" && e.data.progressId === progressId).map((e) => e.data);

describe("CSV import progress", () => {
  it("reports increasing progress of a large import to the importing user only", async () => {
    const owner = await registerAccount("improg");
    const colleague = await addMember(owner, "manager");
    const mine = await joinRoom(owner.orgId, owner.token);
    const theirs = await joinRoom(owner.orgId, colleague.token);
    const progressId = crypto.randomUUID();

    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv: bigCsv("big"), progressId } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.data).toMatchObject({ committed: true, created: ROWS });
    await until(() => progressOf(mine.events, progressId).some((p) => p.phase === "done"), "the done event");

    const events = progressOf(mine.events, progressId);
    const validating = events.filter((p) => p.phase === "validating");
    expect(validating.length).toBeGreaterThan(5);
    expect(validating.every((p) => p.total === ROWS)).toBe(true);
    const counts = validating.map((p) => p.processed);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));
    expect(new Set(counts).size).toBe(counts.length);
    const writing = events.filter((p) => p.phase === "writing");
    expect(writing.at(-1)).toMatchObject({ processed: ROWS, total: ROWS });
    // Phases come in order, each once it starts.
    const order = [...new Set(events.map((p) => p.phase))];
    expect(order).toEqual(PHASES);
    expect(events.at(-1)).toMatchObject({ phase: "done", processed: ROWS, total: ROWS, committed: true });

    expect(theirs.events.some((e) => e.type === "import_progress")).toBe(false);
    mine.close();
    theirs.close();
  });

  it("reports a file with a bad row as done without committing, and writes none of it", async () => {
    const owner = await registerAccount("improgbad");
    const mine = await joinRoom(owner.orgId, owner.token);
    const progressId = crypto.randomUUID();
    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv: bigCsv("bad", 2500), progressId } });
    expect(res.body.data).toMatchObject({ committed: false, errorCount: 1 });
    await until(() => progressOf(mine.events, progressId).some((p) => p.phase === "done"), "the done event");
    const events = progressOf(mine.events, progressId);
    expect(events.some((p) => p.phase === "writing")).toBe(false);
    expect(events.at(-1)).toMatchObject({ phase: "done", committed: false });
    expect((await api("/api/contacts", { token: owner.token })).body.meta.total).toBe(0);
    mine.close();
  });

  it("reports a refused import as failed", async () => {
    const owner = await registerAccount("improgfail");
    const mine = await joinRoom(owner.orgId, owner.token);
    const progressId = crypto.randomUUID();
    const res = await api("/api/imports", { token: owner.token, body: { resource: "contacts", csv: "Nothing,Useful\n1,2", progressId } });
    expect(res.status).toBe(400);
    await until(() => progressOf(mine.events, progressId).some((p) => p.phase === "failed"), "the failed event");
    mine.close();
  });
});
