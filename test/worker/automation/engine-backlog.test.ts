import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { registerAccount } from "../../helpers";
import { create } from "../../record-helpers";
import { domainEvent } from "../../../worker/platform/domain-events";
import { startMatchingWorkflows } from "../../../worker/automation/workflows/trigger-matching";
import { enabledWorkflow, finishedRuns, runsOf } from "./engine-fixture";

describe("events from before a workflow was saved", () => {
  it("never start it, so switching a workflow on does not replay a backlog; later events do", async () => {
    const owner = await registerAccount("backlog");
    const contact = await create("/api/contacts", owner.token, { firstName: "Old" });
    const wf = await enabledWorkflow(owner, {
      trigger: { kind: "record_updated", entity: "contact" },
      actions: [{ id: "note", type: "create_note", body: "Seen" }],
    });
    const base = { orgId: owner.orgId, type: "contact.updated" as const, entity: "contact" as const, entityId: contact.id, record: contact, actor: null };
    await startMatchingWorkflows(env, { ...domainEvent(base), occurredAt: wf.updatedAt - 1 });
    expect(await runsOf(wf.id)).toEqual([]);
    await startMatchingWorkflows(env, { ...domainEvent(base), occurredAt: wf.updatedAt + 1 });
    const [run] = await finishedRuns(wf.id);
    expect(run).toMatchObject({ status: "succeeded", recordId: contact.id });
  });
});
