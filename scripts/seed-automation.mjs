// The demo's automation: three segments over the demo records, two live
// workflows and one started by hand from a contact's page, and one real run
// in the run log: a deal moved into Negotiation on the board's REST endpoint,
// exactly as a user drags it. Everything goes through the public API.
import { seedApi } from "./seed-api.mjs";

const SEGMENTS = [
  { name: "Enterprise contacts", description: "Contacts of the companies tagged enterprise", entity: "contact", filter: { companyTag: "enterprise" } },
  { name: "Leads scored 70+", description: "Leads the scoring model rates 70 or more", entity: "lead", filter: { minScore: "70" } },
  { name: "Contacts with no activity in 30 days", description: "Nobody logged a call, meeting, email or task with them for a month", entity: "contact", filter: { inactiveForDays: "30" } },
];

/** How long the seed waits for the events of the seeds before it to be handled, and for the demo run to finish. */
const SETTLE_MS = 30_000;
const POLL_MS = 250;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function poll(read, done, timeoutMs) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() >= until) return value;
    await sleep(POLL_MS);
  }
}

function negotiationWorkflow(stageId) {
  return {
    name: "When a deal enters Negotiation: task for its owner + notify managers",
    description: "The owner prepares the negotiation within two days; managers hear about it at once.",
    enabled: true,
    trigger: { kind: "deal_stage_entered", stageId },
    conditions: null,
    actions: [
      {
        id: "prepare-task",
        type: "create_task",
        title: "Prepare the negotiation for {{title}}",
        body: "{{company.name}} is in Negotiation. Check the pricing, the terms and who signs.",
        dueInDays: 2,
        assignTo: { kind: "record_owner" },
      },
      {
        id: "tell-managers",
        type: "notify",
        recipients: [{ kind: "role", role: "manager" }],
        title: "{{title}} entered Negotiation",
        body: "Owner: {{owner.name}}",
      },
    ],
  };
}

function highPriorityTicketWorkflow(teamIds) {
  return {
    name: "New high-priority ticket: notify the support team",
    description: "High and urgent tickets reach every member of the support teams as they arrive.",
    enabled: true,
    trigger: { kind: "record_created", entity: "ticket" },
    conditions: { kind: "group", match: "all", conditions: [{ kind: "field", field: "priority", operator: "in", value: ["high", "urgent"] }] },
    actions: [
      {
        id: "tell-support",
        type: "notify",
        recipients: teamIds.length ? teamIds.map((teamId) => ({ kind: "team", teamId })) : [{ kind: "role", role: "agent" }],
        title: "New {{priority}} ticket: {{subject}}",
      },
    ],
  };
}

const WELCOME_WORKFLOW = {
  name: "Send the welcome email",
  description: "Run it from a contact's page: a welcome mail from the contact's owner, kept on the contact's timeline.",
  enabled: true,
  trigger: { kind: "manual", entity: "contact" },
  conditions: null,
  actions: [
    {
      id: "welcome-mail",
      type: "send_email",
      to: { kind: "record_contact" },
      subject: "Welcome aboard, {{firstName}}",
      body: "Hi {{firstName}},\n\nthank you for choosing us. I am your contact person for anything you need; just reply to this mail.\n\nBest regards,\n{{owner.name}}",
    },
    { id: "welcome-note", type: "create_note", body: "Welcome email sent to {{email}}." },
    { id: "welcome-tag", type: "add_tags", tags: ["welcomed"] },
  ],
};

export async function seedAutomation(ctx) {
  const { base, token, log = () => {} } = ctx;
  const api = seedApi(base, token, "automation");

  const [pipeline] = (await api("/api/pipelines")).filter((p) => p.isDefault);
  const stage = Object.fromEntries(pipeline.stages.map((s) => [s.name, s]));
  const teams = await api("/api/support/teams");

  // The demo deal: the largest open one in Qualified goes to Proposal now and to
  // Negotiation once the workflows exist, so its move is the run's only cause.
  const [deal] = await api(`/api/deals?pipelineId=${pipeline.id}&stageId=${stage.Qualified.id}&status=open&sort=-amount&per_page=1`);
  if (deal) {
    await api("/api/kanban/move", { dealId: deal.id, stageId: stage.Proposal.id });
    // Events are handled in the order they were published: once this move is
    // recorded, the earlier seeds' stage moves and tickets are behind us, and
    // the workflows created next never start on them.
    const handled = await poll(
      () => api("/api/hooks/samples/deal.stage_entered"),
      (samples) => samples.some((s) => s.id === deal.id && s.stageId === stage.Proposal.id),
      SETTLE_MS,
    );
    if (!handled.some((s) => s.id === deal.id && s.stageId === stage.Proposal.id)) log("    (earlier events still queued; the workflows may also run on them)");
  }

  const workflows = [
    await api("/api/automation/workflows", negotiationWorkflow(stage.Negotiation.id)),
    await api("/api/automation/workflows", highPriorityTicketWorkflow(teams.map((t) => t.id))),
    await api("/api/automation/workflows", WELCOME_WORKFLOW),
  ];
  log(`    workflows: ${workflows.map((w) => w.name).join("; ")}`);

  let run = null;
  if (deal) {
    await api("/api/kanban/move", { dealId: deal.id, stageId: stage.Negotiation.id });
    [run] = await poll(
      () => api(`/api/automation/runs?workflowId=${workflows[0].id}&recordId=${deal.id}`),
      ([found]) => found && ["succeeded", "failed", "skipped"].includes(found.status),
      SETTLE_MS,
    );
    log(`    run: "${deal.title}" entered Negotiation, ${run ? `run ${run.status}` : "run not started yet"}`);
  }

  // Last: a new segment announces each of its first members as an event, and
  // thousands of those would otherwise queue ahead of the moves above.
  const segments = [];
  for (const segment of SEGMENTS) segments.push(await api("/api/segments", segment));
  log(`    segments: ${segments.map((s) => `${s.name} (${s.memberCount})`).join(", ")}`);
  return { segments: segments.length, workflows: workflows.length, run: run ?? null };
}
