import { and, desc, eq, inArray, sql } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { conflict, invalid, notFound } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { assertOutboundUrl } from "../../platform/outbound-fetch";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { isDomainEventType, webhookAttempts, webhookDeliveries, webhookEndpoints, type WebhookEndpoint } from "../../../schema";
import { newWebhookSecret, sealWebhookSecret } from "./webhook-secrets";

/**
 * Outbound webhook endpoints: a URL that passes the outbound guard, the
 * events it hears (`*` for all), and a signing secret answered only when it
 * is made. Rest Hook subscriptions (worker/automation/hooks) are endpoints too.
 */

export const ALL_EVENTS = "*";
const MAX_ENDPOINTS_PER_ORG = 100;

type Keys = Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK">;

/** Unknown event names are refused as a validation error naming each one. */
export function assertEventNames(events: string[]): string[] {
  const unknown = events.filter((e) => e !== ALL_EVENTS && !isDomainEventType(e));
  if (unknown.length) {
    throw invalid({ events: unknown }, `Unknown event${unknown.length > 1 ? "s" : ""}: ${unknown.join(", ")}`);
  }
  const unique = [...new Set(events)];
  return unique.includes(ALL_EVENTS) ? [ALL_EVENTS] : unique.sort();
}

/** The URL as saved, once the outbound guard allows it (it is checked again at every send). */
export const assertWebhookUrl = (env: Keys, url: string) => assertOutboundUrl(env, url.trim()).toString();

export const subscribes = (endpoint: Pick<WebhookEndpoint, "events">, type: string) => endpoint.events.includes(ALL_EVENTS) || endpoint.events.includes(type);

export interface EndpointStats {
  total: number;
  succeeded: number;
  failed: number;
  pending: number;
  /** Share of finished messages that arrived, 0–1; null before any finished. */
  successRate: number | null;
  lastDeliveryAt: number | null;
}

/** What the API answers about an endpoint: never its secret. */
export function endpointView(row: WebhookEndpoint, stats?: EndpointStats) {
  return {
    id: row.id,
    source: row.source,
    url: row.url,
    description: row.description,
    events: row.events,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    stats: stats ?? emptyStats(),
  };
}
export type WebhookEndpointView = ReturnType<typeof endpointView>;

const emptyStats = (): EndpointStats => ({ total: 0, succeeded: 0, failed: 0, pending: 0, successRate: null, lastDeliveryAt: null });

export async function endpointStats(db: Db, orgId: string, endpointIds: string[]): Promise<Map<string, EndpointStats>> {
  const out = new Map<string, EndpointStats>();
  if (!endpointIds.length) return out;
  const rows = await db
    .select({ endpointId: webhookDeliveries.endpointId, status: webhookDeliveries.status, n: sql<number>`count(*)`, last: sql<number>`max(${webhookDeliveries.createdAt})` })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.orgId, orgId), inArray(webhookDeliveries.endpointId, endpointIds)))
    .groupBy(webhookDeliveries.endpointId, webhookDeliveries.status);
  for (const row of rows) {
    const stats = out.get(row.endpointId) ?? emptyStats();
    stats.total += row.n;
    if (row.status === "succeeded" || row.status === "failed" || row.status === "pending") stats[row.status] += row.n;
    stats.lastDeliveryAt = Math.max(stats.lastDeliveryAt ?? 0, row.last);
    out.set(row.endpointId, stats);
  }
  for (const stats of out.values()) {
    const finished = stats.succeeded + stats.failed;
    stats.successRate = finished ? stats.succeeded / finished : null;
  }
  return out;
}

export async function requireEndpoint(db: Db, orgId: string, id: string, source: WebhookEndpoint["source"] = "endpoint"): Promise<WebhookEndpoint> {
  const row = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.id, id), eq(webhookEndpoints.source, source)))
    .get();
  if (!row) throw notFound(source === "rest_hook" ? "Hook" : "Webhook endpoint");
  return row;
}

export async function listEndpoints(db: Db, orgId: string, source: WebhookEndpoint["source"] = "endpoint") {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.orgId, orgId), eq(webhookEndpoints.source, source)))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
  const stats = await endpointStats(db, orgId, rows.map((r) => r.id));
  return rows.map((row) => endpointView(row, stats.get(row.id)));
}

export async function getEndpoint(db: Db, orgId: string, id: string) {
  const row = await requireEndpoint(db, orgId, id);
  return endpointView(row, (await endpointStats(db, orgId, [id])).get(id));
}

export interface EndpointInput {
  url: string;
  events: string[];
  description?: string | null;
  enabled?: boolean;
}

/** A new endpoint with its secret, which is in this answer and no later one. */
export async function createEndpoint(env: Keys, db: Db, actor: Actor, input: EndpointInput, source: WebhookEndpoint["source"] = "endpoint") {
  const url = assertWebhookUrl(env, input.url);
  const events = assertEventNames(input.events);
  const count = await db.$count(webhookEndpoints, eq(webhookEndpoints.orgId, actor.orgId));
  if (count >= MAX_ENDPOINTS_PER_ORG) throw conflict(`An organization has at most ${MAX_ENDPOINTS_PER_ORG} webhook endpoints and hooks`);
  const id = newId();
  const secret = newWebhookSecret();
  const now = Date.now();
  const row: WebhookEndpoint = {
    id,
    orgId: actor.orgId,
    source,
    url,
    description: input.description?.trim() || null,
    events,
    enabled: input.enabled ?? true,
    secretSealed: await sealWebhookSecret(env, id, secret),
    disabledReason: null,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(webhookEndpoints).values(row),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: `${source === "rest_hook" ? "hook" : "webhook_endpoint"}_created`, entity: "webhook_endpoint", entityId: id, changes: { url, events }, requestId: actor.requestId }),
  ]);
  return { endpoint: endpointView(row), secret };
}

export type EndpointChange = Partial<EndpointInput>;

/** Re-enabling clears the reason the system switched it off. */
export async function updateEndpoint(env: Keys, db: Db, actor: Actor, id: string, change: EndpointChange) {
  const current = await requireEndpoint(db, actor.orgId, id);
  const next: Partial<WebhookEndpoint> = { updatedAt: Date.now() };
  if (change.url !== undefined) next.url = assertWebhookUrl(env, change.url);
  if (change.events !== undefined) next.events = assertEventNames(change.events);
  if (change.description !== undefined) next.description = change.description?.trim() || null;
  if (change.enabled !== undefined) {
    next.enabled = change.enabled;
    if (change.enabled) next.disabledReason = null;
  }
  const [row] = await db.batch([
    db.update(webhookEndpoints).set(next).where(and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, id))).returning(),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "webhook_endpoint_updated", entity: "webhook_endpoint", entityId: id, changes: { ...change, previousUrl: current.url }, requestId: actor.requestId }),
  ]);
  return getEndpoint(db, actor.orgId, row[0]!.id);
}

/** The old secret stops signing at once; the new one is in this answer only. */
export async function rotateSecret(env: Keys, db: Db, actor: Actor, id: string) {
  await requireEndpoint(db, actor.orgId, id);
  const secret = newWebhookSecret();
  await db.batch([
    db.update(webhookEndpoints).set({ secretSealed: await sealWebhookSecret(env, id, secret), updatedAt: Date.now() }).where(and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, id))),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: "webhook_secret_rotated", entity: "webhook_endpoint", entityId: id, requestId: actor.requestId }),
  ]);
  return { endpoint: await getEndpoint(db, actor.orgId, id), secret };
}

/** The endpoint with its message log: nothing is sent to it afterwards. */
export async function deleteEndpoint(db: Db, actor: { orgId: string; userId: string | null; requestId?: string }, id: string, source: WebhookEndpoint["source"] = "endpoint") {
  await requireEndpoint(db, actor.orgId, id, source);
  await db.batch([
    db.delete(webhookAttempts).where(and(eq(webhookAttempts.orgId, actor.orgId), eq(webhookAttempts.endpointId, id))),
    db.delete(webhookDeliveries).where(and(eq(webhookDeliveries.orgId, actor.orgId), eq(webhookDeliveries.endpointId, id))),
    db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.orgId, actor.orgId), eq(webhookEndpoints.id, id))),
    auditStatement(db, actor.orgId, { actorId: actor.userId, action: `${source === "rest_hook" ? "hook" : "webhook_endpoint"}_deleted`, entity: "webhook_endpoint", entityId: id, requestId: actor.requestId }),
  ]);
}
