import { createRoute } from "@hono/zod-openapi";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { triggerCatalog } from "./trigger-catalog";
import { automationScope, SECURITY, tags, TriggerCatalogSchema } from "./workflow-schemas";

const catalog = createRoute({
  tags,
  security: SECURITY,
  middleware: [requirePermission("automation:read")] as const,
  method: "get",
  path: "/",
  summary: "What a workflow can be built from",
  description:
    "Trigger kinds with their parameters, record kinds with their fields (types and enum options) and linked records, " +
    "the organization's pipelines and stages, segments and teams, condition operators, action types and event names.",
  responses: { 200: jsonResponse(envelope(TriggerCatalogSchema), "The catalog"), ...standardErrors },
});

export const triggerRoutes = createRouter().openapi(catalog, async (c) => {
  const { db, orgId } = automationScope(c);
  return ok(c, await triggerCatalog(db, orgId), { status: 200 });
});
