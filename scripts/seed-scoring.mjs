// The demo's closed history for lead and deal scores: enough converted and
// disqualified leads, won and lost deals, for the scoring model to train above
// its minimum, with outcomes drawn from a known logistic model so what it
// learns reads true to a salesperson: referrals and partners convert, free
// email addresses and missing phones do not, deals with more activity win.
// Open leads get the same varied features so their scores spread. Everything
// goes through the public API, with a seeded generator: every fresh demo
// organization gets the same history. Dates are offsets from now.
import { rng } from "./demo-data.mjs";
import { pool, seedApi } from "./seed-api.mjs";

// Outcomes are closed one at a time: the model's holdout is the newest outcomes, so their order must not depend on which request finished first.
const DAY = 86_400_000;
const SIZES = { closedLeads: 170, openLeads: 40, closedDeals: 110 };

const FIRST = ["Ada", "Bruno", "Carla", "Dmitri", "Esme", "Farid", "Greta", "Hugo", "Ines", "Jonah", "Keiko", "Luca",
  "Maya", "Nils", "Orla", "Pablo", "Quinn", "Rosa", "Sven", "Tara", "Umar", "Vera", "Wes", "Xena", "Yara", "Zane"];
const LAST = ["Abbott", "Becker", "Costa", "Dalton", "Eriksen", "Fischer", "Gallo", "Hayes", "Ivanova", "Jensen",
  "Kaur", "Lindqvist", "Moreau", "Novak", "Ortega", "Price", "Quist", "Reyes", "Sato", "Torres", "Ueda", "Vidal"];
const FIRMS = ["Brightline", "Copperleaf", "Driftwood", "Evergreen", "Fieldstone", "Granite", "Harbor", "Ironwood",
  "Juniper", "Keystone", "Lakeshore", "Meridian", "Northstar", "Oakridge", "Pinnacle", "Quarry", "Redwood", "Silverline"];
const KINDS = ["Logistics", "Health", "Foods", "Analytics", "Robotics", "Capital", "Networks", "Studios", "Energy"];
const TITLES = ["CEO", "VP Sales", "Head of Operations", "Procurement Manager", "IT Director", "Office Manager"];
const SIZES_OF_COMPANIES = ["1-10", "11-50", "51-200", "201-1000", "1000+"];
const FREE_DOMAINS = ["gmail.com", "yahoo.com", "hotmail.com", "outlook.com"];

/** How much each lead source moves the odds of converting (log-odds). */
const SOURCE_EFFECT = { Referral: 1.3, Partner: 0.9, Webinar: 0.3, "Trade show": 0.1, Website: -0.1, LinkedIn: -0.4, "Cold call": -1.1 };
const LEAD_ACTIVITIES = {
  call: ["Discovery call", "Qualification call", "Follow-up call"],
  email: ["Sent intro deck", "Answered pricing question"],
  meeting: ["Intro meeting", "Product demo"],
  note: ["Has budget this quarter", "Evaluating two vendors"],
};
const DEAL_ACTIVITIES = {
  call: ["Pricing discussion", "Check-in call", "Negotiation call"],
  meeting: ["Demo", "Kick-off meeting", "Security review"],
  email: ["Sent proposal", "Sent contract draft"],
  task: ["Prepare quote", "Confirm budget"],
};
const DEAL_PRODUCTS = ["Platform license", "Pilot", "Support plan", "Enterprise upgrade", "Analytics add-on", "Call center seats"];
const LOST_REASONS = ["Went with a competitor", "No budget", "No decision", "Timing"];

const sigmoid = (x) => 1 / (1 + Math.exp(-x));
const slug = (s) => s.toLowerCase().replace(/[^a-z0-9]+/g, "");

/** One lead's features, and (for a closed one) whether it converted under the known model. */
function makeLead(r, i, closed) {
  const firstName = r.pick(FIRST);
  const lastName = r.pick(LAST);
  const company = `${r.pick(FIRMS)} ${r.pick(KINDS)}`;
  const source = r.pick(Object.keys(SOURCE_EFFECT));
  const freeEmail = r.chance(0.35);
  const phone = r.chance(0.6);
  const enterprise = r.chance(0.2);
  // Activities are the slowest records to seed: a few, on about half of the leads.
  const activities = r.chance(0.5) ? r.int(1, 2) : 0;
  const logit = -0.5 + SOURCE_EFFECT[source] + (freeEmail ? -1.4 : 0.3) + (phone ? 0.5 : -0.7) + (enterprise ? 0.6 : 0) + (activities - 0.75) * 0.6;
  const converted = closed && r.chance(sigmoid(logit));
  const domain = freeEmail ? r.pick(FREE_DOMAINS) : `${slug(company)}.example`;
  return {
    body: {
      firstName, lastName, source, title: r.pick(TITLES), companyName: freeEmail && r.chance(0.5) ? null : company,
      email: `${slug(firstName)}.${slug(lastName)}.hist${i}@${domain}`,
      ...(phone ? { phone: `+1 (${r.int(201, 989)}) ${r.int(200, 999)}-${String(r.int(0, 9999)).padStart(4, "0")}` } : {}),
      status: r.pick(["new", "contacted", "qualified"]),
      tags: enterprise ? ["enterprise"] : r.chance(0.2) ? ["smb"] : [],
    },
    activities,
    closed,
    converted,
  };
}

/** One closed deal's features and outcome: activity and a strategic tag help, big tickets and "at-risk" hurt. */
function makeClosedDeal(r, company) {
  const activities = r.int(0, 5);
  const amount = Math.round(Math.exp(r.next() * 4 + 7) / 100) * 100;
  const tag = r.chance(0.15) ? "strategic" : r.chance(0.15) ? "at-risk" : null;
  const big = company.size === "201-1000" || company.size === "1000+";
  const logit = -0.3 + (activities - 2.5) * 0.6 + (tag === "strategic" ? 0.9 : tag === "at-risk" ? -1.2 : 0) - (Math.log(amount) - 9) * 0.35 + (big ? 0.4 : 0);
  const won = r.chance(sigmoid(logit));
  const closedDaysAgo = r.int(3, 330);
  return {
    won,
    activities,
    body: {
      title: `${company.name} — ${r.pick(DEAL_PRODUCTS)}`, amount, currency: "USD",
      closeDate: new Date(Date.now() - closedDaysAgo * DAY).toISOString().slice(0, 10),
      tags: tag ? [tag] : [],
    },
    close: { status: won ? "won" : "lost", ...(won ? {} : { lostReason: r.pick(LOST_REASONS) }) },
  };
}

/** Drawn before any request, so the generator's order never depends on which answer came first. */
function activitySpecs(r, count, subjects) {
  const types = Object.keys(subjects);
  return Array.from({ length: count }, () => {
    const type = r.pick(types);
    return { type, subject: r.pick(subjects[type]) };
  });
}

/**
 * Seeds the history as the owner `token` of the organization at `base`, then
 * retrains both models so the demo opens on learned scores rather than
 * waiting for the debounced job. Records are closed after their activities,
 * as in real life: what a model may learn from is what was known before the
 * outcome.
 */
export async function seedScoring({ base, token, log = console.log }) {
  const api = seedApi(base, token, "scoring");
  const r = rng(1212);
  const users = await api("/api/users?per_page=100");
  const owners = users.filter((u) => u.role !== "viewer").map((u) => u.id);
  const [pipeline] = (await api("/api/pipelines")).filter((p) => p.isDefault);
  const openStage = pipeline.stages.find((s) => s.probability > 0 && s.probability < 100);
  const wonStage = pipeline.stages.find((s) => s.probability === 100);
  const lostStage = pipeline.stages.find((s) => s.probability === 0);
  const known = await api("/api/companies?per_page=100");
  // A fresh organization (a browser test's) has no companies for its deals yet.
  const companies = known.length ? known : await pool(FIRMS.slice(0, 12), (name, i) =>
    api("/api/companies", { name: `${name} ${KINDS[i % KINDS.length]}`, size: SIZES_OF_COMPANIES[i % SIZES_OF_COMPANIES.length] }));

  const t = Date.now();
  log(`  ${SIZES.closedLeads} closed and ${SIZES.openLeads} open leads for scoring…`);
  const leads = Array.from({ length: SIZES.closedLeads + SIZES.openLeads }, (_, i) => {
    const lead = makeLead(r, i, i < SIZES.closedLeads);
    return { ...lead, ownerId: owners[i % owners.length], activities: activitySpecs(r, lead.activities, LEAD_ACTIVITIES) };
  });
  const leadIds = await pool(leads, async (lead) => (await api("/api/leads", { ...lead.body, ownerId: lead.ownerId })).id);
  const leadActivities = leads.flatMap((lead, i) => lead.activities.map((a) => ({ ...a, leadId: leadIds[i], ownerId: lead.ownerId })));
  log(`    ${leadActivities.length} lead activities… (${Date.now() - t} ms)`);
  await pool(leadActivities, (a) => api("/api/activities", a));
  log(`    outcomes… (${Date.now() - t} ms)`);
  await pool(leads.flatMap((lead, i) => (lead.closed ? [[leadIds[i], lead.converted]] : [])), ([id, converted]) =>
    converted ? api(`/api/leads/${id}/convert`, { deal: null }) : api(`/api/leads/${id}`, { status: "unqualified" }, "PATCH"), 1);

  log(`  ${SIZES.closedDeals} won and lost deals for scoring… (${Date.now() - t} ms)`);
  const deals = Array.from({ length: SIZES.closedDeals }, (_, i) => {
    const company = companies[i % companies.length];
    const deal = makeClosedDeal(r, company);
    return { ...deal, company, ownerId: owners[i % owners.length], activities: activitySpecs(r, deal.activities, DEAL_ACTIVITIES) };
  });
  const dealIds = await pool(deals, async (deal) => (await api("/api/deals", {
    ...deal.body, pipelineId: pipeline.id, stageId: openStage.id, companyId: deal.company.id, ownerId: deal.ownerId,
  })).id);
  const dealActivities = deals.flatMap((deal, i) => deal.activities.map((a) => ({ ...a, dealId: dealIds[i], ownerId: deal.ownerId })));
  log(`    ${dealActivities.length} deal activities… (${Date.now() - t} ms)`);
  await pool(dealActivities, (a) => api("/api/activities", a));
  log(`    outcomes… (${Date.now() - t} ms)`);
  await pool(deals, (deal, i) => api(`/api/deals/${dealIds[i]}`, { ...deal.close, stageId: (deal.won ? wonStage : lostStage).id }, "PATCH"), 1);

  log(`  training the lead and deal scores… (${Date.now() - t} ms)`);
  for (const type of ["lead", "deal"]) await api(`/api/scoring/models/${type}/retrain`, {});
}
