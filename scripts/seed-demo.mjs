// Seeds the demo organization through the public API, so the demo data is
// exactly what a real user could create. Idempotent: an existing demo
// account is left as it is.
import { ACTIVITY_SUBJECTS, makeCompanies, makeContacts, makeDeal, makeLeads, rng } from "./demo-data.mjs";
import { seedKnowledgeBase } from "./seed-kb.mjs";
import { seedTelephony } from "./seed-telephony.mjs";
import { seedSupport } from "./seed-support.mjs";
import { seedScoring } from "./seed-scoring.mjs";
import { seedForecast } from "./seed-forecast.mjs";
import { seedFinance } from "./seed-finance.mjs";
import { seedAutomation } from "./seed-automation.mjs";

export const DEMO = {
  email: "demo@neuracrm.dev",
  password: "pipeline-rocks-2026",
  name: "Dana Demo",
  organizationName: "Acme Demo",
};

const TEAM = [
  { name: "Marco Manager", email: "marco@neuracrm.dev", role: "manager" },
  { name: "Ava Agent", email: "ava@neuracrm.dev", role: "agent" },
  { name: "Victor Viewer", email: "victor@neuracrm.dev", role: "viewer" },
];

const SIZES = { companies: 60, contacts: 2000, leads: 120, deals: 320, activities: 240 };

async function call(base, path, body, token) {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({}));
  return { status: res.status, json };
}

async function must(base, path, body, token) {
  const res = await call(base, path, body, token);
  if (res.status >= 300) throw new Error(`demo seed: ${path} answered ${res.status}: ${JSON.stringify(res.json)}`);
  return res.json.data;
}

/** Runs `task` over `items` with a few requests in flight. */
async function pool(items, width, task) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i], i);
      }
    }),
  );
  return out;
}

async function seedRecords(base, token, log) {
  const r = rng(2026);
  const users = await must(base, "/api/users?per_page=100", undefined, token);
  const owners = users.filter((u) => u.role !== "viewer").map((u) => u.id);
  const [pipeline] = (await must(base, "/api/pipelines", undefined, token)).filter((p) => p.isDefault);
  const open = pipeline.stages.filter((s) => s.probability > 0 && s.probability < 100);

  const t = Date.now();
  log(`  ${SIZES.companies} companies…`);
  const companies = makeCompanies(r, SIZES.companies);
  const companyIds = await pool(companies, 6, async (c, i) => (await must(base, "/api/companies", { ...c, ownerId: owners[i % owners.length] }, token)).id);

  log(`  ${SIZES.contacts} contacts… (${Date.now() - t} ms)`);
  // One CSV import per owner: the same path a user's Salesforce export takes.
  const contacts = makeContacts(r, SIZES.contacts, companies);
  const cell = (v) => `"${String(v ?? "").replace(/"/g, '""')}"`;
  for (const [o, ownerId] of owners.entries()) {
    const rows = contacts.filter((_, i) => i % owners.length === o);
    const csv = [
      "First Name,Last Name,Email,Phone,Title,Account Name,Lead Source",
      ...rows.map((c) => [c.firstName, c.lastName, c.email, c.phone, c.title, companies[c.companyIndex].name, c.source].map(cell).join(",")),
    ].join("\n");
    const report = await must(base, "/api/imports", { resource: "contacts", csv, dedupe: "skip", dryRun: false, ownerId }, token);
    if (!report.committed) throw new Error(`demo seed: contact import refused: ${JSON.stringify(report.errors.slice(0, 3))}`);
  }
  const contactIds = (await pool(Array.from({ length: Math.ceil(SIZES.contacts / 100) }), 4, (_, p) =>
    must(base, `/api/contacts?per_page=100&page=${p + 1}&sort=createdAt`, undefined, token),
  )).flat().map((c) => c.id);

  log(`  ${SIZES.leads} leads… (${Date.now() - t} ms)`);
  await pool(makeLeads(r, SIZES.leads), 6, (l, i) => must(base, "/api/leads", { ...l, ownerId: owners[i % owners.length] }, token));

  log(`  ${SIZES.deals} deals… (${Date.now() - t} ms)`);
  const dealIds = await pool(Array.from({ length: SIZES.deals }), 4, async (_, i) => {
    const ci = r.int(0, companies.length - 1);
    const closed = r.chance(0.2);
    const won = r.chance(0.55);
    const stage = closed ? pipeline.stages.find((s) => s.probability === (won ? 100 : 0)) : r.pick(open);
    const deal = await must(base, "/api/deals", {
      ...makeDeal(r, companies[ci]), pipelineId: pipeline.id, stageId: stage.id, companyId: companyIds[ci],
      contactId: contactIds[(ci + i * SIZES.companies) % contactIds.length], ownerId: owners[i % owners.length],
      status: closed ? (stage.probability === 100 ? "won" : "lost") : "open",
    }, token);
    return deal.id;
  });

  log(`  ${SIZES.activities} activities… (${Date.now() - t} ms)`);
  const types = Object.keys(ACTIVITY_SUBJECTS);
  await pool(Array.from({ length: SIZES.activities }), 6, (_, i) => {
    const type = r.pick(types);
    const dueAt = type === "task" || type === "meeting" ? Date.now() + r.int(-5, 20) * 86400000 : undefined;
    return must(base, "/api/activities", {
      type, subject: r.pick(ACTIVITY_SUBJECTS[type]), dealId: dealIds[i % dealIds.length], ownerId: owners[i % owners.length],
      ...(dueAt ? { dueAt } : {}), ...(type === "task" && r.chance(0.4) ? { done: true } : {}),
    }, token);
  });
}

export async function seedDemo(base, log = console.log) {
  const login = await call(base, "/api/auth/login", { email: DEMO.email, password: DEMO.password });
  if (login.status === 200) return { created: false };
  const reg = await must(base, "/api/auth/register", DEMO);
  const token = reg.accessToken;
  for (const member of TEAM) {
    const inv = await must(base, "/api/organizations/current/invitations", { email: member.email, role: member.role }, token);
    const link = inv.acceptUrl.split("/invite/")[1];
    await must(base, `/api/invitations/${link}/accept`, { name: member.name, password: DEMO.password });
  }
  log("Seeding the demo organization (first start only):");
  await seedRecords(base, token, log);
  log("  knowledge base…");
  await seedKnowledgeBase((path, body) => must(base, path, body, token));
  log("  call center…");
  await seedTelephony((path, body) => must(base, path, body, token), { base, token, log });
  log("  support desk…");
  await seedSupport((path, body) => must(base, path, body, token), { base, token, log });
  log("  scoring history…");
  await seedScoring({ base, token, log });
  log("  forecast…");
  await seedForecast({ base, token, log });
  log("  finance…");
  await seedFinance({ base, token, log });
  log("  automation…");
  await seedAutomation({ base, token, log });
  return { created: true };
}
