import { env } from "cloudflare:workers";
import { expect, inject } from "vitest";
import { applyCallEvent } from "../../../worker/telephony/calls";
import { notify } from "../../../worker/notifications/notification-inbox";
import { addMember, api, registerAccount, type Account } from "../../helpers";
import { create } from "../../record-helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { callSid, createProvider } from "../../telephony-helpers";
import { createPbx } from "../telephony/telephony-pbx-helpers";
import { openTicketVia } from "../support/support-helpers";
import { orgSlug, published } from "../support/kb-helpers";
import { raiseInsight } from "../../../worker/insights";
import { runRefreshJob } from "../../../worker/scoring/scoring-jobs";
import { SCORING_REFRESH_JOB } from "../../../schema/jobs";
import { testDb } from "../../record-helpers";

/** One organization holding a record of every kind a route takes an id of. */
export interface SweepOrg {
  owner: Account;
  viewer: Account;
  agent: Account;
  ids: Record<string, string>;
  /** The Twilio CallSid of `ids.call`, to look for in what the fake Twilio received. */
  callSid: string;
  ariChannelId: string;
}

async function ok<T = any>(res: Promise<{ status: number; body: any }>): Promise<T> {
  const r = await res;
  expect([200, 201], JSON.stringify(r.body)).toContain(r.status);
  return r.body.data;
}

export async function sweepOrganization(label: string): Promise<SweepOrg> {
  const owner = await registerAccount(label);
  const viewer = await addMember(owner, "viewer", `${label}v`);
  const agent = await addMember(owner, "agent", `${label}a`);
  const t = owner.token;
  const pipeline = await defaultPipeline(owner.orgId);
  const company = await create("/api/companies", t, { name: `${label} Corp` });
  const contact = await create("/api/contacts", t, { firstName: "Ada", companyId: company.id });
  const lead = await create("/api/leads", t, { firstName: "Lee" });
  const deal = await create("/api/deals", t, { title: `${label} deal`, contactId: contact.id });
  const activity = await create("/api/activities", t, { type: "call", subject: "Intro", dealId: deal.id });
  const invitation = await ok(api("/api/organizations/current/invitations", { token: t, body: { email: `${label}-inv@example.com`, role: "agent" } }));
  const twilio = await createProvider(owner);
  const pbx = await createPbx(owner);
  const extension = await ok(api("/api/telephony/extensions", { token: t, body: { providerId: pbx.id, userId: agent.userId, extension: "201" } }));
  const queue = await ok(api("/api/telephony/queues", { token: t, body: { name: `${label} queue` } }));
  await ok(api(`/api/telephony/queues/${queue.id}/members`, { token: t, body: { userId: agent.userId } }));
  const sid = callSid();
  const now = Date.now();
  const base = { providerId: twilio.id, providerCallId: sid, direction: "inbound" as const, from: "+14155550123", to: "+14155550100", agentUserId: owner.userId };
  await applyCallEvent(env, owner.orgId, { ...base, status: "initiated", at: now - 60_000 });
  const live = await applyCallEvent(env, owner.orgId, { ...base, status: "in_progress", at: now - 50_000 });
  await applyCallEvent(env, owner.orgId, {
    ...base,
    status: "recording",
    at: now - 40_000,
    eventId: `RE${sid.slice(2)}`,
    recording: { key: `${owner.orgId}/recordings/${sid}.mp3`, providerRecordingId: `RE${sid.slice(2)}`, durationSeconds: 9 },
  });
  await env.FILES.put(`${owner.orgId}/recordings/${sid}.mp3`, new Uint8Array([0xff, 0xfb, 0x90, 0x00]));
  const channel = `sweep-${sid}`;
  const ariCall = await applyCallEvent(env, owner.orgId, {
    providerId: pbx.id, providerCallId: channel, direction: "inbound", from: "+14155550124", to: "201", status: "in_progress", at: now - 30_000, agentUserId: owner.userId,
  });
  const category = await create("/api/support/knowledge-base/categories", t, { name: `${label} help` });
  const article = await published(t, { title: "How to", body: "Steps", categoryId: category.id });
  const ticket = await openTicketVia(owner);
  const form = new FormData();
  form.append("file", new File(["%PDF-1.4 sweep"], "sweep.pdf", { type: "application/pdf" }));
  const attachment = await ok(api(`/api/support/tickets/${ticket.id}/attachments`, { method: "POST", token: t, rawBody: form }));
  const team = await ok(api("/api/support/teams", { token: t, body: { name: `${label} team`, memberIds: [agent.userId] } }));
  const view = await ok(api("/api/support/views", { token: t, body: { name: `${label} view`, filters: { status: ["open"] } } }));
  const sla = await ok(api("/api/support/sla-policies", { method: "PUT", token: t, body: { priority: "high", firstResponseMinutes: 60, resolutionMinutes: 480 } }));
  const notification = await notify(env, owner.orgId, owner.userId, { type: "test", title: "Sweep" });
  const conversation = await ok(api("/api/ai/conversations", { token: t, body: { title: `${label} chat` } }));
  // A proposal as the assistant stores one; proposing needs a model, which the sweep does not run.
  const aiAction = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO ai_actions (id, org_id, conversation_id, user_id, kind, input, summary, status, created_at) VALUES (?, ?, ?, ?, 'log_note', ?, 'Log a note', 'proposed', ?)")
    .bind(aiAction, owner.orgId, conversation.id, owner.userId, JSON.stringify({ recordType: "deal", recordId: deal.id, body: "Sweep" }), now)
    .run();
  // A finished transcript as the transcription job writes one, with an action item to turn into a task.
  const transcriptItem = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO call_transcripts (call_id, org_id, recording_key, status, segments, text, summary, action_items, created_at, updated_at) VALUES (?, ?, ?, 'done', ?, 'Hello there', 'Greeting', ?, ?, ?)")
    .bind(live.call.id, owner.orgId, `${owner.orgId}/recordings/${sid}.mp3`, JSON.stringify([{ speaker: "agent", start: 0, end: 1, text: "Hello there" }]), JSON.stringify([{ id: transcriptItem, text: "Send the quote" }]), now, now)
    .run();
  const insight = await raiseInsight(env, testDb(), {
    orgId: owner.orgId, kind: "deal_at_risk", record: { type: "deal", id: deal.id, title: deal.title }, headline: "Sweep risk", evidence: [], dedupeKey: `sweep:${deal.id}`,
  });
  const product = await create("/api/financial/products", t, { name: `${label} plan`, unitPrice: 1000, currency: "USD" });
  const invoiceDraft = await ok(api("/api/financial/invoices", { token: t, body: { currency: "USD", companyId: company.id, dealId: deal.id, lines: [{ description: "Sweep", quantity: 1, unitPrice: 1000 }] } }));
  const invoice = await ok(api(`/api/financial/invoices/${invoiceDraft.id}/finalize`, { method: "POST", token: t }));
  const stripeConnection = await create("/api/financial/stripe/connections", t, { secretKey: `sk_test_sweep${crypto.randomUUID().replace(/-/g, "")}`, webhookSecret: "whsec_sweep0123456789", apiBaseUrl: inject("stripeFakeUrl") });
  const payment = await create("/api/financial/payments", t, { invoiceId: invoice.id, amount: 100, currency: "USD", method: "bank_transfer", receivedAt: now });
  const reconciliationRun = crypto.randomUUID();
  await env.DB.prepare("INSERT INTO reconciliation_runs (id, org_id, connection_id, from_at, to_at, status, \"trigger\", started_at, finished_at) VALUES (?, ?, ?, ?, ?, 'done', 'manual', ?, ?)")
    .bind(reconciliationRun, owner.orgId, stripeConnection.id, now - 86_400_000, now, now, now)
    .run();
  const definition = { trigger: { kind: "manual", entity: "contact" }, conditions: null, actions: [{ id: "note", type: "create_note", body: "Sweep" }] };
  const workflow = await create("/api/automation/workflows", t, { name: `${label} workflow`, trigger: definition.trigger, actions: definition.actions });
  // A finished run as the engine stores one; running one here would leave a Workflows instance working during the sweep.
  const workflowRun = crypto.randomUUID();
  const runEvent = { id: crypto.randomUUID(), orgId: owner.orgId, type: "contact.updated", entity: "contact", entityId: contact.id, actorId: owner.userId, record: { id: contact.id }, previous: null, changed: [], origin: null, context: null, occurredAt: now };
  await env.DB.prepare("INSERT INTO automation_runs (id, org_id, workflow_id, workflow_version, definition, status, reason, event_id, event, entity, record_id, attempt, created_at, started_at, finished_at) VALUES (?, ?, ?, 1, ?, 'failed', 'Sweep', ?, ?, 'contact', ?, 1, ?, ?, ?)")
    .bind(workflowRun, owner.orgId, workflow.id, JSON.stringify(definition), runEvent.id, JSON.stringify(runEvent), contact.id, now, now, now)
    .run();
  // Subscribed to an event the sweep never raises, so no delivery leaves for the (unreachable) URL.
  const { endpoint } = await create("/api/webhooks/endpoints", t, { url: "https://hooks.example.com/in", events: ["invoice.paid"], description: "Sweep" });
  const webhookDelivery = `msg_${crypto.randomUUID()}`;
  await env.DB.prepare("INSERT INTO webhook_deliveries (id, org_id, endpoint_id, event_id, event_type, payload, status, attempts, last_status_code, created_at, finished_at) VALUES (?, ?, ?, ?, 'invoice.paid', '{}', 'failed', 1, 500, ?, ?)")
    .bind(webhookDelivery, owner.orgId, endpoint.id, crypto.randomUUID(), now, now)
    .run();
  const hook = await create("/api/hooks", t, { target_url: "https://hooks.example.com/z", event: "invoice.paid" });
  const segment = await create("/api/segments", t, { name: `${label} VIPs`, entity: "contact", filter: { tag: "vip" } });
  const apiKey = await create("/api/api-keys", t, { name: `${label} key`, scopes: ["records:read"] });
  // Scores the fixture now, so the refreshes its writes queued find nothing left to do and write nothing during a sweep.
  await runRefreshJob(env, { type: SCORING_REFRESH_JOB, orgId: owner.orgId, requestedAt: Date.now() });
  return {
    owner,
    viewer,
    agent,
    callSid: sid,
    ariChannelId: channel,
    ids: {
      invitation: invitation.invitation.id,
      invitationToken: invitation.acceptUrl.split("/invite/")[1],
      orgSlug: await orgSlug(owner),
      articleSlug: article.slug,
      user: agent.userId,
      company: company.id,
      contact: contact.id,
      lead: lead.id,
      deal: deal.id,
      activity: activity.id,
      pipeline: pipeline.id,
      stage: pipeline.stages[1]!.id,
      twilioProvider: twilio.id,
      pbxProvider: pbx.id,
      extension: extension.id,
      queue: queue.id,
      call: live.call.id,
      ariCall: ariCall.call.id,
      category: category.id,
      article: article.id,
      ticket: ticket.id,
      attachment: attachment.id,
      team: team.id,
      view: view.id,
      sla: (Array.isArray(sla) ? sla.find((p: { priority: string }) => p.priority === "high") : sla).id,
      notification: notification!.id,
      conversation: conversation.id,
      aiAction,
      transcriptItem,
      insight: insight!.id,
      scoredType: "lead",
      product: product.id,
      invoice: invoice.id,
      documentToken: "sweep-unknown-document-token-0123456789",
      stripeConnection: stripeConnection.id,
      payment: payment.id,
      reconciliationRun,
      workflow: workflow.id,
      workflowRun,
      webhookEndpoint: endpoint.id,
      webhookDelivery,
      hook: hook.id,
      hookEvent: "deal.created",
      segment: segment.id,
      apiKey: apiKey.id,
    },
  };
}

/**
 * Which record each path parameter names, by the path it appears in. A new
 * route with an id this table does not know fails the sweep, so it cannot
 * be skipped by accident.
 */
const PARAMS: [RegExp, string, string][] = [
  [/^\/api\/invitations\//, "token", "invitationToken"],
  [/^\/api\/help\//, "orgSlug", "orgSlug"],
  [/^\/api\/help\//, "slug", "articleSlug"],
  [/^\/api\/organizations\/current\/invitations\//, "id", "invitation"],
  [/^\/api\/users\//, "id", "user"],
  [/^\/api\/agents\//, "userId", "user"],
  [/^\/api\/companies\//, "id", "company"],
  [/^\/api\/contacts\//, "id", "contact"],
  [/^\/api\/leads\//, "id", "lead"],
  [/^\/api\/deals\//, "id", "deal"],
  [/^\/api\/activities\//, "id", "activity"],
  [/^\/api\/pipelines\//, "id", "pipeline"],
  [/^\/api\/pipelines\//, "stageId", "stage"],
  [/^\/api\/kanban\//, "pipelineId", "pipeline"],
  [/^\/api\/telephony\/providers\//, "id", "twilioProvider"],
  [/^\/api\/telephony\/pbx\//, "providerId", "pbxProvider"],
  [/^\/api\/telephony\/twilio\/\{providerId\}/, "providerId", "twilioProvider"],
  [/^\/api\/telephony\/3cx\//, "providerId", "pbxProvider"],
  [/^\/api\/telephony\/extensions\//, "id", "extension"],
  [/^\/api\/telephony\/queues\//, "id", "queue"],
  [/^\/api\/telephony\/queues\//, "userId", "user"],
  [/^\/api\/telephony\/calls\//, "id", "call"],
  [/^\/api\/telephony\/twilio\/calls\//, "id", "call"],
  [/^\/api\/support\/knowledge-base\/categories\//, "id", "category"],
  [/^\/api\/support\/knowledge-base\/articles\//, "id", "article"],
  [/^\/api\/support\/tickets\//, "id", "ticket"],
  [/^\/api\/support\/attachments\//, "id", "attachment"],
  [/^\/api\/support\/teams\//, "id", "team"],
  [/^\/api\/support\/views\//, "id", "view"],
  [/^\/api\/support\/sla-policies\//, "id", "sla"],
  [/^\/api\/notifications\//, "id", "notification"],
  [/^\/api\/ai\/tickets\//, "id", "ticket"],
  [/^\/api\/ai\/conversations\//, "id", "conversation"],
  [/^\/api\/ai\/conversations\//, "actionId", "aiAction"],
  [/^\/api\/ai\/calls\//, "id", "call"],
  [/^\/api\/ai\/calls\//, "itemId", "transcriptItem"],
  [/^\/api\/insights\//, "id", "insight"],
  [/^\/api\/scoring\//, "type", "scoredType"],
  [/^\/api\/scoring\//, "id", "lead"],
  [/^\/api\/financial\/products\//, "id", "product"],
  [/^\/api\/financial\/deals\//, "dealId", "deal"],
  [/^\/api\/financial\/invoices\//, "id", "invoice"],
  [/^\/api\/public\/documents\//, "token", "documentToken"],
  [/^\/api\/financial\/stripe\/connections\//, "id", "stripeConnection"],
  [/^\/api\/financial\/stripe\/[^/]+\/webhook$/, "connectionId", "stripeConnection"],
  [/^\/api\/financial\/payments\//, "id", "payment"],
  [/^\/api\/financial\/reconciliation\/runs\//, "id", "reconciliationRun"],
  [/^\/api\/automation\/workflows\//, "id", "workflow"],
  [/^\/api\/automation\/runs\//, "id", "workflowRun"],
  [/^\/api\/webhooks\/endpoints\//, "id", "webhookEndpoint"],
  [/^\/api\/webhooks\/deliveries\//, "id", "webhookDelivery"],
  [/^\/api\/hooks\/samples\//, "event", "hookEvent"],
  [/^\/api\/hooks\//, "id", "hook"],
  [/^\/api\/segments\//, "id", "segment"],
  [/^\/api\/api-keys\//, "id", "apiKey"],
];

/** The template with each parameter replaced by the id of `org`'s record of that kind; throws for an unknown parameter. */
export function concretePath(template: string, ids: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const hit = PARAMS.find(([re, param]) => param === name && re.test(template));
    if (!hit) throw new Error(`route sweep: no fixture record for {${name}} in ${template}; add it to route-sweep-fixture.ts`);
    return encodeURIComponent(ids[hit[2]]!);
  });
}

/** Bodies for routes whose schema has a rule JSON Schema cannot say (a zod refine), keyed "METHOD template". */
export function refinedBody(key: string, ids: Record<string, string>): unknown {
  const bodies: Record<string, unknown> = {
    "PATCH /api/telephony/calls/{id}": { notes: "Sweep" },
    "PATCH /api/ai/calls/{id}/transcript": { summary: "Sweep" },
    "POST /api/telephony/twilio/calls/{id}/transfer": { toUserId: ids.user },
    "POST /api/insights/{id}/snooze": { hours: 2 },
    "POST /api/automation/workflows/{id}/run": { recordId: ids.contact },
    "POST /api/automation/rules/evaluate": { entity: "contact", recordId: ids.contact, conditions: { kind: "group", match: "all", conditions: [] } },
    "POST /api/api-keys": { name: "Sweep key", scopes: ["records:read"] },
  };
  return bodies[key];
}
