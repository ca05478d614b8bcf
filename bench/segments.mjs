// Segments: 10,000 contacts and a segment over them; then a bulk change (5,000
// of them tagged with the segment's tag in one statement, as a bulk update
// lands) and the time of the full re-evaluation that brings the membership
// up to date (POST /refresh: one INSERT … SELECT and one DELETE … NOT IN,
// 5,000 `segment.entered` events queued). Then 50 single changes through the
// API, timed until the event consumer has moved each contact in. Compared
// with a baseline measured in the same run: the list endpoint counting the
// same filter over the same records (GET /api/contacts?tag=…&per_page=1).
// Targets: a full re-evaluation of 10,000 contacts within 50 list counts;
// 50 single changes settled within 500 list counts.
import { randomUUID } from "node:crypto";
import { api } from "./clients.mjs";
import { loadScaleData } from "./scale-data.mjs";
import { printRow, summarize } from "./stats.mjs";

const SEEDED = 10_000;
const TAGGED = 5_000;
const SINGLE = 50;
const TAG = "bench-segment";
const REFRESH_TARGET = 50;
const SINGLE_TARGET = 500;

const q = (v) => `'${String(v).replace(/'/g, "''")}'`;

function seedSql(orgId, ownerId) {
  const now = Date.now();
  const sql = [];
  for (let i = 0; i < SEEDED; i += 200) {
    const rows = Array.from({ length: Math.min(200, SEEDED - i) }, (_, j) => {
      const n = i + j;
      return `(${q(randomUUID())},${q(orgId)},${q(ownerId)},'["seeded"]',${now - n},${now - n},${q(`Seed${n}`)},'Contact',${q(`seed${n}@bench.example`)})`;
    });
    sql.push(`INSERT INTO contacts (id,org_id,owner_id,tags,created_at,updated_at,first_name,last_name,email) VALUES ${rows.join(",")};`);
  }
  return sql;
}

async function timed(fn) {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function benchSegments({ url, token, orgId }) {
  console.log(`\nSegments: ${SEEDED.toLocaleString()} contacts, ${TAGGED.toLocaleString()} tagged at once, then ${SINGLE} changed one by one`);
  const me = await api(url, "/api/auth/me", { token });
  await loadScaleData(url, seedSql(orgId, me.user?.id ?? me.id));
  const segment = await api(url, "/api/segments", { token, body: { name: "Bench", entity: "contact", filter: { tag: TAG } } });

  const count = async () => {
    const res = await fetch(`${url}/api/contacts?tag=${TAG}&per_page=1`, { headers: { authorization: `Bearer ${token}` } });
    return (await res.json()).meta.total;
  };
  const baselineSamples = [];
  for (let i = 0; i < 20; i++) baselineSamples.push(await timed(count));
  const baseline = summarize(baselineSamples);

  await loadScaleData(url, [
    `UPDATE contacts SET tags = '["${TAG}"]' WHERE org_id = ${q(orgId)} AND id IN (SELECT id FROM contacts WHERE org_id = ${q(orgId)} ORDER BY id LIMIT ${TAGGED});`,
  ]);
  let refreshed;
  const refreshMs = await timed(async () => (refreshed = await api(url, `/api/segments/${segment.id}/refresh`, { token, method: "POST" })));

  const untagged = (await api(url, `/api/contacts?per_page=${SINGLE}&tag=seeded`, { token })).filter((c) => !c.tags.includes(TAG));
  const t0 = performance.now();
  for (const contact of untagged) await api(url, `/api/contacts/${contact.id}`, { token, method: "PATCH", body: { tags: [TAG] } });
  const expected = TAGGED + untagged.length;
  let current = 0;
  const deadline = Date.now() + 5 * 60_000;
  while (current < expected && Date.now() < deadline) {
    current = (await api(url, `/api/segments/${segment.id}`, { token })).memberCount;
    if (current < expected) await new Promise((r) => setTimeout(r, 100));
  }
  const singleMs = performance.now() - t0;
  const listed = await count();

  printRow("baseline list count (tag filter)", baseline);
  console.log(`  full re-evaluation, ${refreshed.entered} entered      ${refreshMs.toFixed(0).padStart(8)} ms = ${(refreshMs / baseline.p50).toFixed(1)} list counts (target ≤ ${REFRESH_TARGET})`);
  console.log(`  ${untagged.length} single changes settled (${current}) ${singleMs.toFixed(0).padStart(8)} ms = ${(singleMs / baseline.p50).toFixed(0)} list counts (target ≤ ${SINGLE_TARGET})`);
  if (refreshed.entered !== TAGGED || current !== expected || listed !== expected) {
    throw new Error(`Segments: ${refreshed.entered} entered, ${current} members, the list counts ${listed}, expected ${expected}`);
  }
  if (refreshMs / baseline.p50 > REFRESH_TARGET || singleMs / baseline.p50 > SINGLE_TARGET) console.log("  ✗ above target");
}
