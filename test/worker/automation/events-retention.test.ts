import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerAccount } from "../../helpers";
import { automationEventRetentionTask } from "../../../worker/automation";
import { EVENT_RETENTION_MS } from "../../../worker/automation/events/event-retention";

const DAY = 86_400_000;

async function logEvent(orgId: string, entity: string, entityId: string, occurredAt: number): Promise<string> {
  const id = crypto.randomUUID();
  const event = { id, orgId, type: `${entity}.updated`, entity, entityId, actorId: null, record: { id: entityId }, previous: null, changed: [], origin: null, context: null, occurredAt };
  await env.DB.prepare("INSERT INTO automation_events (id, org_id, type, entity, entity_id, event, occurred_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
    .bind(id, orgId, event.type, entity, entityId, JSON.stringify(event), occurredAt)
    .run();
  return id;
}

const kept = async (orgId: string) =>
  (await env.DB.prepare("SELECT id FROM automation_events WHERE org_id = ? ORDER BY id").bind(orgId).all<{ id: string }>()).results.map((r) => r.id).sort();

describe("the automation event log", () => {
  it("forgets events past the retention, except each invoice's newest, which the next invoice event compares with", async () => {
    const owner = await registerAccount("evret");
    const now = Date.now();
    const old = now - EVENT_RETENTION_MS - DAY;
    const oldContact = await logEvent(owner.orgId, "contact", "c1", old);
    const recentContact = await logEvent(owner.orgId, "contact", "c1", now - DAY);
    const justInside = await logEvent(owner.orgId, "deal", "d1", now - EVENT_RETENTION_MS + DAY);
    const invoiceOlder = await logEvent(owner.orgId, "invoice", "i1", old - DAY);
    const invoiceNewest = await logEvent(owner.orgId, "invoice", "i1", old);
    const invoiceOnly = await logEvent(owner.orgId, "invoice", "i2", old);
    const invoiceOldThenRecent = await logEvent(owner.orgId, "invoice", "i3", old);
    const invoiceRecent = await logEvent(owner.orgId, "invoice", "i3", now - DAY);

    await automationEventRetentionTask(env, new Date(now));

    expect(await kept(owner.orgId)).toEqual([recentContact, justInside, invoiceNewest, invoiceOnly, invoiceRecent].sort());
    for (const gone of [oldContact, invoiceOlder, invoiceOldThenRecent]) expect(await kept(owner.orgId)).not.toContain(gone);
    // Nothing else is past the retention: a second tick removes nothing more.
    await automationEventRetentionTask(env, new Date(now));
    expect((await kept(owner.orgId)).length).toBe(5);
  });
});
