// SQL for one large organization (100,000 contacts, 20,000 deals, 2,000
// companies) for the REST benchmark, loaded through the bench Worker's bulk
// loader. The owner's password hash uses the Worker's own PBKDF2 format.
import { pbkdf2Sync, randomBytes, randomUUID } from "node:crypto";
import { makeCompanies, makeContacts, makeDeal, rng } from "../scripts/demo-data.mjs";

const b64url = (buf) => buf.toString("base64").replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const q = (v) => (v === null || v === undefined ? "NULL" : typeof v === "number" ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

function hash(password) {
  const salt = randomBytes(16);
  return `pbkdf2-sha256$100000$${b64url(salt)}$${b64url(pbkdf2Sync(password, salt, 100000, 32, "sha256"))}`;
}

function inserts(table, columns, rows, perStatement = 200) {
  const out = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const values = rows.slice(i, i + perStatement).map((r) => `(${r.map(q).join(",")})`).join(",\n");
    out.push(`INSERT INTO ${table} (${columns.join(",")}) VALUES\n${values};`);
  }
  return out;
}

export function scaleData({ contacts = 100_000, deals = 20_000, companies = 2_000, email, password }) {
  const r = rng(7);
  const now = Date.now();
  const orgId = randomUUID();
  const userId = randomUUID();
  const pipelineId = randomUUID();
  const stageSpec = [["Lead", 10], ["Qualified", 25], ["Proposal", 50], ["Negotiation", 75], ["Closed won", 100], ["Closed lost", 0]];
  const stageIds = stageSpec.map(() => randomUUID());
  const sql = [
    `INSERT INTO users (id,email,name,password_hash,created_at,updated_at) VALUES (${q(userId)},${q(email)},'Scale Owner',${q(hash(password))},${now},${now});`,
    `INSERT INTO organizations (id,name,slug,settings,created_at,updated_at) VALUES (${q(orgId)},'Scale Org',${q(`scale-${orgId.slice(0, 8)}`)},'{"defaultCountry":"US","recordVisibility":"all"}',${now},${now});`,
    `INSERT INTO memberships (org_id,user_id,role,created_at) VALUES (${q(orgId)},${q(userId)},'owner',${now});`,
    `INSERT INTO pipelines (id,org_id,name,is_default,position,created_at,updated_at) VALUES (${q(pipelineId)},${q(orgId)},'Sales pipeline',1,0,${now},${now});`,
    ...stageSpec.map(([name, p], i) => `INSERT INTO stages (id,org_id,pipeline_id,name,probability,position,created_at) VALUES (${q(stageIds[i])},${q(orgId)},${q(pipelineId)},${q(name)},${p},${i},${now});`),
  ];
  const companyRows = makeCompanies(r, companies).map((c) => [randomUUID(), orgId, userId, "[]", now, now, c.name, c.domain, c.industry]);
  sql.push(...inserts("companies", ["id", "org_id", "owner_id", "tags", "created_at", "updated_at", "name", "domain", "industry"], companyRows));
  const people = makeContacts(r, contacts, companyRows.map((c) => ({ domain: c[7] })));
  sql.push(...inserts(
    "contacts",
    ["id", "org_id", "owner_id", "tags", "created_at", "updated_at", "first_name", "last_name", "email", "phone", "title", "company_id"],
    people.map((p, i) => [randomUUID(), orgId, userId, "[]", now - i, now - i, p.firstName, p.lastName, p.email, null, p.title, companyRows[p.companyIndex][0]]),
  ));
  sql.push(...inserts(
    "deals",
    ["id", "org_id", "owner_id", "tags", "created_at", "updated_at", "title", "amount", "currency", "pipeline_id", "stage_id", "position", "status", "version"],
    Array.from({ length: deals }, (_, i) => {
      const stage = i % 4 === 0 ? r.int(0, 3) : r.chance(0.5) ? 4 : 5;
      const d = makeDeal(r, { name: companyRows[i % companyRows.length][6] });
      const status = stage < 4 ? "open" : stage === 4 ? "won" : "lost";
      return [randomUUID(), orgId, userId, "[]", now - i, now - i, d.title, d.amount, "USD", pipelineId, stageIds[stage], `a${i.toString(36)}`, status, 1];
    }),
  ));
  return { orgId, pipelineId, stageIds, sql };
}

/** Loads the statements a few dozen at a time through the bench Worker. */
export async function loadScaleData(url, sql) {
  for (let i = 0; i < sql.length; i += 25) {
    const res = await fetch(`${url}/__bench/sql`, { method: "POST", body: JSON.stringify(sql.slice(i, i + 25)) });
    if (!res.ok) throw new Error(`bulk load failed: ${await res.text()}`);
  }
}
