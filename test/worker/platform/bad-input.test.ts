import { describe, expect, it } from "vitest";
import { api, registerAccount } from "../../helpers";

type Operation = { requestBody?: unknown };
type Paths = Record<string, Record<string, Operation>>;

/** Bodies no route should accept, and none should answer with a 5xx. */
const HOSTILE_BODIES: unknown[] = [
  {},
  [],
  "text",
  42,
  null,
  { id: { $gt: "" }, title: ["x"], amount: "NaN", email: 12, role: "root", status: "🔥" },
  { name: "x".repeat(10_000), organizationName: null, stages: [{}], csv: 5 },
  { dealId: "' OR 1=1 --", stageId: "../../etc/passwd", position: -1 },
];

const GARBAGE_IDS = ["does-not-exist", "00000000-0000-0000-0000-000000000000", "%27%20OR%201%3D1", "a".repeat(64)];

/** Runs `jobs` with at most `limit` in flight: the route list is long and each request is independent. */
async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}

describe("hostile input", () => {
  it("never makes any documented route answer 5xx", async () => {
    const owner = await registerAccount("fuzz");
    const doc = (await api("/api/openapi.json")).body as unknown as { paths: Paths };
    const failures: string[] = [];
    const badCodes: string[] = [];
    const jobs: (() => Promise<void>)[] = [];
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        if (template.includes("logout") || template.includes("invitations/{token}/accept")) continue;
        for (const [n, id] of GARBAGE_IDS.entries()) {
          const path = template.replace(/\{[^}]+\}/g, id);
          // Every hostile body once; the other ids only with the simplest one.
          const bodies = op.requestBody ? (n === 0 ? HOSTILE_BODIES : [{}]) : [undefined];
          if (n > 0 && !template.includes("{")) continue;
          for (const body of bodies) {
            jobs.push(async () => {
              const res = await api(path, {
                method: method.toUpperCase(),
                token: owner.token,
                ...(body === undefined ? {} : { rawBody: JSON.stringify(body), headers: { "content-type": "application/json" } }),
              });
              const what = `${method.toUpperCase()} ${path} ${JSON.stringify(body)?.slice(0, 60)}`;
              if (res.status >= 500) failures.push(`${what} → ${res.status}`);
              else if (res.status >= 400 && !/^[a-z_]+$/.test(res.body.error?.code ?? "")) badCodes.push(what);
            });
          }
        }
      }
    }
    await pool(jobs, 6);
    expect(jobs.length).toBeGreaterThan(100);
    expect(failures).toEqual([]);
    expect(badCodes).toEqual([]);
  }, 600_000);
});
