import { queueEndpointDelivery } from "../../webhooks";
import { actionExecutor } from "./action-registry";
import { visibleRecord } from "./action-records";

/**
 * `webhook`: the run's event as one signed message to an endpoint of the
 * organization, through the webhooks' own deliveries (retries, log, replay).
 * The message is keyed by the run and step, so a retried step finds the
 * message it already made. A record its owner may not see is not sent out.
 */
export const webhookAction = actionExecutor("webhook", async (ctx, action) => {
  const record = await visibleRecord(ctx);
  const event = record ? { ...ctx.event, record } : ctx.event;
  const { deliveryId, status, created } = await queueEndpointDelivery(ctx.env, ctx.orgId, action.endpointId, event, { key: `${ctx.run.id}:${ctx.stepKey}` });
  return { endpointId: action.endpointId, deliveryId, status, created };
});
