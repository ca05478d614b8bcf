import { createRouter } from "../../platform/http";
import { stripeCheckoutRoutes } from "./stripe-checkout-routes";
import { stripeConnectionRoutes } from "./stripe-connection-routes";
import { stripeWebhookRoutes } from "./stripe-webhook-routes";

/** Stripe: the connections (settings), pay links (staff and the customer's button) and the signed webhook. */
export const stripeRoutes = createRouter()
  .route("/financial/stripe/connections", stripeConnectionRoutes)
  .route("/financial/stripe", stripeWebhookRoutes)
  .route("/", stripeCheckoutRoutes);
