/** Zapier REST Hooks (`/api/hooks`): subscriptions over the outbound webhooks, and samples for building a Zap. */
export { hookRoutes } from "./hook-routes";
