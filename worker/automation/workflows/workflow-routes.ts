import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { WorkflowCreateBody, WorkflowUpdateBody } from "./workflow-definition";
import { automationScope, RunSchema, SECURITY, tags, WorkflowSchema } from "./workflow-schemas";
import { runManually } from "./manual-runs";
import { getRun } from "./run-queries";
import { createWorkflow, deleteWorkflow, getWorkflow, listWorkflows, setWorkflowEnabled, updateWorkflow } from "./workflows";

const workflowResponse = (description: string) => jsonResponse(envelope(WorkflowSchema), description);
const read = { tags, security: SECURITY, middleware: [requirePermission("automation:read")] };
const manage = { tags, security: SECURITY, middleware: [requirePermission("automation:manage")] };
const conflict409 = { 409: jsonResponse(z.any(), "Someone else saved the workflow meanwhile") };

const routes = {
  list: createRoute({
    ...read,
    method: "get",
    path: "/",
    summary: "The organization's workflows, with each one's last run and run counts by status",
    request: { query: z.object({ ...paginationQuery, enabled: z.enum(["true", "false"]).optional() }) },
    responses: { 200: jsonResponse(listEnvelope(WorkflowSchema), "Workflows, most recently edited first"), ...standardErrors },
  }),
  get: createRoute({
    ...read,
    method: "get",
    path: "/{id}",
    summary: "One workflow",
    request: { params: IdParam },
    responses: { 200: workflowResponse("Workflow"), ...standardErrors },
  }),
  create: createRoute({
    ...manage,
    method: "post",
    path: "/",
    summary: "Create a workflow (disabled unless `enabled` is true)",
    description:
      "Actions run with the permissions of `ownerId` (the creator by default), who must be a member whose role is not above yours. " +
      "Every problem of the definition is reported at once in `error.details` by field path, e.g. `actions.1.userId`.",
    request: jsonBody(WorkflowCreateBody),
    responses: { 201: workflowResponse("Created"), ...standardErrors },
  }),
  update: createRoute({
    ...manage,
    method: "patch",
    path: "/{id}",
    summary: "Edit a workflow; bumps its version (runs in flight keep theirs)",
    request: { params: IdParam, ...jsonBody(WorkflowUpdateBody) },
    responses: { 200: workflowResponse("Updated"), ...standardErrors, ...conflict409 },
  }),
  enable: createRoute({
    ...manage,
    method: "post",
    path: "/{id}/enable",
    summary: "Turn a workflow on",
    request: { params: IdParam },
    responses: { 200: workflowResponse("Enabled"), ...standardErrors, ...conflict409 },
  }),
  disable: createRoute({
    ...manage,
    method: "post",
    path: "/{id}/disable",
    summary: "Turn a workflow off; runs already started finish, waiting runs stop at their next step",
    request: { params: IdParam },
    responses: { 200: workflowResponse("Disabled"), ...standardErrors, ...conflict409 },
  }),
  run: createRoute({
    // Starting a run makes changes (as the owner), so viewers, who change nothing, may not.
    tags,
    security: SECURITY,
    middleware: [requirePermission("records:write")],
    method: "post",
    path: "/{id}/run",
    summary: "Run a workflow now on a record you can see",
    description:
      "Any member who may edit records may start an enabled workflow from a record they can see (another's hidden record answers 404); the run acts with the workflow owner's permissions. " +
      "Workflows on a schedule run without a record.",
    request: { params: IdParam, ...jsonBody(z.object({ recordId: z.string().min(1).max(64).optional() }).strict()) },
    responses: { 202: jsonResponse(envelope(RunSchema), "Started (or skipped by the loop guard)"), ...standardErrors, 409: jsonResponse(z.any(), "The workflow is disabled") },
  }),
  remove: createRoute({
    ...manage,
    method: "delete",
    path: "/{id}",
    summary: "Delete a workflow; its run log stays",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const workflowRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = automationScope(c);
    const q = c.req.valid("query");
    const { items, total } = await listWorkflows(db, orgId, { page: q.page, perPage: q.per_page, enabled: q.enabled === undefined ? undefined : q.enabled === "true" });
    return ok(c, items, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = automationScope(c);
    return ok(c, await getWorkflow(db, orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, editor } = automationScope(c);
    return ok(c, await createWorkflow(db, editor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const { db, editor } = automationScope(c);
    return ok(c, await updateWorkflow(db, editor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.enable, async (c) => {
    const { db, editor } = automationScope(c);
    return ok(c, await setWorkflowEnabled(db, editor, c.req.valid("param").id, true), { status: 200 });
  })
  .openapi(routes.disable, async (c) => {
    const { db, editor } = automationScope(c);
    return ok(c, await setWorkflowEnabled(db, editor, c.req.valid("param").id, false), { status: 200 });
  })
  .openapi(routes.run, async (c) => {
    const { db, orgId, editor } = automationScope(c);
    const run = await runManually(c.env, editor, c.req.valid("param").id, c.req.valid("json").recordId);
    const { definition: _d, steps: _s, ...view } = await getRun(db, orgId, run.id);
    return ok(c, view, { status: 202 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, editor } = automationScope(c);
    await deleteWorkflow(db, editor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Workflow deleted" });
  });
