import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import type { Actor } from "../../platform/records";
import type { WebhookEndpoint } from "../../../schema";
import { assertEventNames, createEndpoint, deleteEndpoint, listEndpoints, requireEndpoint } from "../webhooks";

/**
 * Zapier REST Hooks: a subscription is an endpoint (`source = "rest_hook"`)
 * for one event, signed, delivered and retried like every endpoint; Zapier
 * unsubscribes with DELETE, or by answering 410 to a message.
 */

export const hookView = (row: Pick<WebhookEndpoint, "id" | "url" | "events" | "createdAt" | "createdBy">) => ({
  id: row.id,
  target_url: row.url,
  event: row.events[0]!,
  createdBy: row.createdBy,
  createdAt: row.createdAt,
});

export async function subscribe(env: Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK">, db: Db, actor: Actor, input: { target_url: string; event: string }) {
  const [event] = assertEventNames([input.event]).filter((e) => e !== "*");
  if (!event) assertEventNames([`${input.event} (a hook hears one event)`]);
  const { endpoint } = await createEndpoint(env, db, actor, { url: input.target_url, events: [event!], description: "Zapier REST Hook" }, "rest_hook");
  return hookView(endpoint);
}

export async function listHooks(db: Db, orgId: string) {
  return (await listEndpoints(db, orgId, "rest_hook")).map(hookView);
}

export async function unsubscribe(db: Db, actor: Actor, id: string) {
  await requireEndpoint(db, actor.orgId, id, "rest_hook");
  await deleteEndpoint(db, actor, id, "rest_hook");
}
