import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { moveDeal } from "./deals";
import { getBoard } from "./kanban";
import { DealSchema } from "./deal-routes";

const tags = ["Kanban"];
const security = [{ bearerAuth: [] }];

const BoardSchema = z
  .object({
    pipeline: z.object({ id: z.string(), name: z.string(), isDefault: z.boolean() }),
    stages: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        probability: z.number().int(),
        deals: z.array(DealSchema),
        totals: z.object({ count: z.number().int(), amount: z.number(), weightedAmount: z.number() }),
      }),
    ),
  })
  .openapi("Board");

const boardRoute = createRoute({
  method: "get", path: "/{pipelineId}", tags, security, summary: "A pipeline's board: stages, open cards in order, totals",
  middleware: [requirePermission("records:read")] as const,
  request: { params: z.object({ pipelineId: z.string().min(1).max(64).openapi({ param: { name: "pipelineId", in: "path" } }) }) },
  responses: { 200: jsonResponse(envelope(BoardSchema), "Board"), ...standardErrors },
});

const moveRoute = createRoute({
  method: "post", path: "/move", tags, security,
  summary: "Move a card: to a stage of its pipeline, at an index within the stage or at a fractional key",
  middleware: [requirePermission("records:write")] as const,
  request: jsonBody(
    z
      .object({
        dealId: z.string().min(1).max(64),
        stageId: z.string().min(1).max(64),
        position: z.union([z.number().int().min(0).max(100_000), z.string().regex(/^[0-9A-Za-z]{1,64}$/)]).optional(),
      })
      .strict(),
  ),
  responses: { 200: jsonResponse(envelope(DealSchema), "Moved, as stored"), ...standardErrors, 409: jsonResponse(z.any(), "Deal is closed") },
});

export const kanbanRoutes = createRouter()
  .openapi(moveRoute, async (c) => ok(c, await moveDeal(c.env, c.get("auth"), c.req.valid("json"), c.get("requestId"))))
  .openapi(boardRoute, async (c) => {
    const auth = c.get("auth");
    return ok(c, await getBoard(orgDb(c.env, auth.orgId), auth, c.req.valid("param").pipelineId));
  });
