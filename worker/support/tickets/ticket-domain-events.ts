import type { DomainEventType } from "../../../schema";
import { publishDomainEvent } from "../../platform/domain-events";
import type { Env } from "../../platform/env";
import type { SupportActor } from "../sla/sla";
import { publicTicket } from "./ticket-events";
import type { Ticket } from "./tickets";

/**
 * A ticket change as automation sees it, in the REST shape (`publicTicket`);
 * `previous` is rendered at the same instant, so the SLA state differs only
 * when the change moved it.
 */
export async function publishTicketChange(
  env: Pick<Env, "JOBS">,
  orgId: string,
  actor: SupportActor,
  type: Extract<DomainEventType, `ticket.${string}`>,
  after: Ticket,
  before?: Ticket,
  context?: Record<string, unknown>,
) {
  const now = Date.now();
  await publishDomainEvent(env, {
    orgId,
    type,
    entity: "ticket",
    entityId: after.id,
    record: publicTicket(after, now),
    previous: before ? publicTicket(before, now) : null,
    context,
    actor: actor.userId ? { userId: actor.userId, origin: actor.origin } : null,
  });
}
