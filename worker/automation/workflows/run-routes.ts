import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { WORKFLOW_RUN_STATUSES } from "../../../schema";
import { getRun, listRuns } from "./run-queries";
import { retryRun } from "./run-store";
import { automationScope, RunDetailSchema, RunSchema, SECURITY, tags } from "./workflow-schemas";

const routes = {
  list: createRoute({
    tags,
    security: SECURITY,
    middleware: [requirePermission("automation:read")],
    method: "get",
    path: "/",
    summary: "The run log: runs newest first, by workflow, record or status",
    request: {
      query: z.object({
        ...paginationQuery,
        workflowId: z.string().min(1).max(64).optional(),
        recordId: z.string().min(1).max(64).optional(),
        status: z.enum(WORKFLOW_RUN_STATUSES).optional(),
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(RunSchema), "Runs"), ...standardErrors },
  }),
  get: createRoute({
    tags,
    security: SECURITY,
    middleware: [requirePermission("automation:read")],
    method: "get",
    path: "/{id}",
    summary: "One run with the definition it ran and its steps in order (input, output, error, attempts, times)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(RunDetailSchema), "Run"), ...standardErrors },
  }),
  retry: createRoute({
    tags,
    security: SECURITY,
    middleware: [requirePermission("automation:manage")],
    method: "post",
    path: "/{id}/retry",
    summary: "Retry a failed run from its failed step",
    description: "Starts a new attempt of the run; the steps that already succeeded are not executed again, so their side effects are not repeated.",
    request: { params: IdParam },
    responses: { 202: jsonResponse(envelope(RunSchema), "Retry started"), ...standardErrors, 409: jsonResponse(z.any(), "The run has not failed, or is already being retried") },
  }),
};

export const runRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = automationScope(c);
    const q = c.req.valid("query");
    const { items, total } = await listRuns(db, orgId, { page: q.page, perPage: q.per_page, workflowId: q.workflowId, recordId: q.recordId, status: q.status });
    return ok(c, items, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = automationScope(c);
    return ok(c, await getRun(db, orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.retry, async (c) => {
    const { db, orgId } = automationScope(c);
    const run = await retryRun(c.env, orgId, c.req.valid("param").id);
    const { definition: _d, steps: _s, ...view } = await getRun(db, orgId, run.id);
    return ok(c, view, { status: 202 });
  });
