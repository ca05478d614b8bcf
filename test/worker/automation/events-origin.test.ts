import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { EventOrigin } from "../../../schema";
import { contactService, updateDeal } from "../../../worker/crm";
import { changeTicket } from "../../../worker/support";
import type { AuthContext } from "../../../worker/platform/env";
import { actorOf } from "../../../worker/platform/records";
import { api, registerAccount } from "../../helpers";
import { defaultPipeline } from "../../pipeline-fixture";
import { openTicketVia } from "../support/support-helpers";
import { waitForDomainEvents } from "./events-fixture";

describe("a workflow's changes", () => {
  it("raise events carrying its origin, and audit rows the audit log answers as via the workflow", async () => {
    const owner = await registerAccount("evorg");
    await defaultPipeline(owner.orgId);
    const contact = (await api("/api/contacts", { token: owner.token, body: { firstName: "Orig" } })).body.data;
    const deal = (await api("/api/deals", { token: owner.token, body: { title: "Orig deal" } })).body.data;
    const ticket = await openTicketVia(owner);
    await waitForDomainEvents(owner.orgId, 3);

    const origin: EventOrigin = { workflowId: "wf-1", runId: "run-1", chain: ["wf-0", "wf-1"] };
    const requestId = "workflow:wf-1:run-1";
    const auth: AuthContext = { userId: owner.userId, orgId: owner.orgId, role: "owner", sessionId: "", recordVisibility: "all", origin };
    await contactService.update(env, owner.orgId, actorOf(auth, requestId), contact.id, { title: "Automated" });
    await updateDeal(env, auth, deal.id, { amount: 77 }, requestId);
    await changeTicket(env, owner.orgId, { userId: owner.userId, requestId, origin }, ticket.id, { priority: "urgent" });

    const events = (await waitForDomainEvents(owner.orgId, 6)).slice(3);
    expect(events.map((e) => e.type).sort()).toEqual(["contact.updated", "deal.updated", "ticket.updated"]);
    for (const event of events) expect(event).toMatchObject({ actorId: owner.userId, origin });

    const audit = await api(`/api/audit-log?entityId=${contact.id}&action=update`, { token: owner.token });
    expect(audit.body.data[0]).toMatchObject({ actorId: owner.userId, via: { kind: "workflow", workflowId: "wf-1", runId: "run-1" } });
    const own = await api(`/api/audit-log?entityId=${contact.id}&action=create`, { token: owner.token });
    expect(own.body.data[0].via).toBeNull();
    const history = await api(`/api/support/tickets/${ticket.id}/history`, { token: owner.token });
    expect(history.body.data.find((h: { action: string }) => h.action === "update").via).toEqual({ kind: "workflow", workflowId: "wf-1", runId: "run-1" });
  });
});
