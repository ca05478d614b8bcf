import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { EVENT_ENTITIES } from "../../../schema";
import { evaluateRule } from "./rule-evaluation";
import { ConditionGroupSchema } from "./workflow-definition";
import { automationScope, RuleEvaluationSchema, SECURITY, tags } from "./workflow-schemas";

const evaluate = createRoute({
  tags,
  security: SECURITY,
  middleware: [requirePermission("automation:read")],
  method: "post",
  path: "/evaluate",
  summary: "Test conditions against a record you can see",
  description: "Answers whether the record matches, and each condition's result with the value it read (nested groups after their conditions).",
  request: jsonBody(z.object({ entity: z.enum(EVENT_ENTITIES), recordId: z.string().min(1).max(64), conditions: ConditionGroupSchema }).strict()),
  responses: { 200: jsonResponse(envelope(RuleEvaluationSchema), "The verdict"), ...standardErrors },
});

export const ruleRoutes = createRouter().openapi(evaluate, async (c) => {
  const { db, editor } = automationScope(c);
  return ok(c, await evaluateRule(db, editor, c.req.valid("json")), { status: 200 });
});
