// The demo's forecast: deals that moved through the pipeline's stages before
// they were won or lost, so stage probabilities are learned from history
// rather than configured; monthly targets for the team; and the forecast read
// once, which arms the organization's ForecastClock for its first weekly
// snapshot. Snapshots cannot be backdated through the API, so forecast-versus-
// actual fills in once the current period has ended (the page says so).
// The scoring seed (seed-scoring.mjs) already closes 110 deals straight from
// the first stage; these go further down the pipeline instead of adding more
// of the same. Public API only, seeded generator, dates relative to now;
// idempotent: an organization that has targets already is left as it is.
import { rng } from "./demo-data.mjs";
import { pool, seedApi } from "./seed-api.mjs";

const DAY = 86_400_000;
const MOVED_DEALS = 60;
/** How far a deal gets: the chance to go on from each stage, and to be won from the last one it reached. */
const GO_ON = { Qualified: 0.7, Proposal: 0.6 };
const WIN_FROM = { Qualified: 0.2, Proposal: 0.45, Negotiation: 0.75 };
/** Monthly target per owner, by role; the owner of the organization sells too. */
const MONTHLY_TARGET = { owner: 60_000, admin: 50_000, manager: 50_000, agent: 40_000 };
const PRODUCTS = ["Platform license", "Renewal", "Seats expansion", "Onboarding package", "Premium support"];

const localDay = (t) => new Date(t).toISOString().slice(0, 10);
const monthKey = (d) => `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, "0")}`;

/** The path of one deal, drawn before any request so the generator's order never depends on timing. */
function drawDeal(r, i, owners, companies) {
  const path = ["Qualified"];
  if (r.chance(GO_ON.Qualified)) {
    path.push("Proposal");
    if (r.chance(GO_ON.Proposal)) path.push("Negotiation");
  }
  const won = r.chance(WIN_FROM[path.at(-1)]);
  // Most closed in the last five months; a few this week, so this month has wins against its target.
  const daysAgo = i % 8 === 0 ? r.int(0, 3) : r.int(5, 150);
  const company = companies[i % companies.length];
  return {
    body: {
      title: `${company?.name ?? "Demo account"} — ${r.pick(PRODUCTS)}`,
      amount: Math.round(Math.exp(r.next() * 3 + 8) / 100) * 100,
      currency: "USD",
      closeDate: localDay(Date.now() - daysAgo * DAY),
      ownerId: owners[i % owners.length].id,
      ...(company ? { companyId: company.id } : {}),
    },
    path,
    won,
  };
}

export async function seedForecast({ base, token, log = console.log }) {
  const api = seedApi(base, token, "forecast");
  if ((await api("/api/forecast/targets")).length > 0) return { created: false };
  const r = rng(1213);
  const owners = (await api("/api/users?per_page=100")).filter((u) => u.role !== "viewer");
  const [pipeline] = (await api("/api/pipelines")).filter((p) => p.isDefault);
  const stage = Object.fromEntries(pipeline.stages.map((s) => [s.name, s]));
  const wonStage = pipeline.stages.find((s) => s.probability === 100);
  const lostStage = pipeline.stages.find((s) => s.probability === 0);
  const companies = await api("/api/companies?per_page=100");

  log(`  ${MOVED_DEALS} deals through the pipeline for learned stage probabilities…`);
  const deals = Array.from({ length: MOVED_DEALS }, (_, i) => drawDeal(r, i, owners, companies));
  await pool(deals, async (deal) => {
    const { id } = await api("/api/deals", { ...deal.body, pipelineId: pipeline.id, stageId: pipeline.stages[0].id });
    for (const name of deal.path) await api(`/api/deals/${id}`, { stageId: stage[name].id }, "PATCH");
    await api(`/api/deals/${id}`, deal.won ? { status: "won", stageId: wonStage.id } : { status: "lost", stageId: lostStage.id, lostReason: "No decision" }, "PATCH");
  });

  log("  targets for this month and the next two…");
  const now = new Date();
  const months = [0, 1, 2].map((k) => monthKey(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1))));
  const targets = owners.flatMap((o) => months.map((period) => ({ ownerId: o.id, period, currency: "USD", amount: MONTHLY_TARGET[o.role] ?? 40_000 })));
  await api("/api/forecast/targets", { targets }, "PUT");

  // The first read arms the weekly snapshot.
  await api(`/api/forecast?pipelineId=${encodeURIComponent(pipeline.id)}`);
  return { created: true };
}
