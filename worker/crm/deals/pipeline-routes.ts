import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { createPipeline, deletePipeline, listPipelines, requirePipeline, updatePipeline } from "./pipelines";
import { ClientId } from "../records/record-schemas";
import { addStage, deleteStage, MAX_STAGES, reorderStages, updateStage } from "./stages";
import { requestScope, SECURITY } from "../records/record-routes";

const tags = ["Pipelines"];

const StageSchema = z.object({ id: z.string(), name: z.string(), probability: z.number().int() }).openapi("Stage");

export const PipelineSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    isDefault: z.boolean(),
    stages: z.array(StageSchema).openapi({ description: "In board order" }),
  })
  .openapi("Pipeline");

const Name = z.string().trim().min(1).max(100);
const Probability = z.number().int().min(0).max(100).openapi({ description: "Win probability in percent" });
const StageBody = z.object({ id: ClientId.optional(), name: Name, probability: Probability }).strict();

const StageParams = z.object({
  id: IdParam.shape.id,
  stageId: z.string().min(1).max(64).openapi({ param: { name: "stageId", in: "path" } }),
});

const pipelineResponse = (description: string) => jsonResponse(envelope(PipelineSchema), description);
const conflictResponse = (description: string) => jsonResponse(z.any(), description);

/** Changing pipelines and stages is a settings task, not record editing. */
const settingsRoute = { tags, security: SECURITY, middleware: [requirePermission("settings:manage")] };

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security: SECURITY,
    summary: "The organization's pipelines, each with its stages in order",
    middleware: [requirePermission("records:read")] as const,
    responses: { 200: jsonResponse(envelope(z.array(PipelineSchema)), "Pipelines"), ...standardErrors },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security: SECURITY,
    summary: "One pipeline with its stages",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: pipelineResponse("Pipeline"), ...standardErrors },
  }),
  create: createRoute({
    ...settingsRoute,
    method: "post",
    path: "/",
    summary: "Create a pipeline with at least one stage",
    request: jsonBody(
      z
        .object({
          id: ClientId.optional(),
          name: Name,
          isDefault: z.boolean().optional(),
          stages: z.array(StageBody).min(1, "A pipeline needs at least one stage").max(MAX_STAGES),
        })
        .strict(),
    ),
    responses: { 201: pipelineResponse("Created"), ...standardErrors, 409: conflictResponse("A client-supplied id is taken") },
  }),
  update: createRoute({
    ...settingsRoute,
    method: "patch",
    path: "/{id}",
    summary: "Rename a pipeline, or make it the default",
    request: { params: IdParam, ...jsonBody(z.object({ name: Name.optional(), isDefault: z.literal(true).optional() }).strict()) },
    responses: { 200: pipelineResponse("Updated"), ...standardErrors },
  }),
  remove: createRoute({
    ...settingsRoute,
    method: "delete",
    path: "/{id}",
    summary: "Delete a pipeline and its stages",
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.null()), "Deleted"),
      ...standardErrors,
      409: conflictResponse("Deals are in the pipeline, or it is the last one"),
    },
  }),
  addStage: createRoute({
    ...settingsRoute,
    method: "post",
    path: "/{id}/stages",
    summary: "Add a stage at a position (0-based; at the end by default)",
    request: {
      params: IdParam,
      ...jsonBody(StageBody.extend({ position: z.number().int().min(0).optional() }).strict()),
    },
    responses: { 201: pipelineResponse("The pipeline with the new stage"), ...standardErrors, 409: conflictResponse("Too many stages, or the id is taken") },
  }),
  reorder: createRoute({
    ...settingsRoute,
    method: "put",
    path: "/{id}/stages/order",
    summary: "Reorder the stages; list every stage id once",
    request: { params: IdParam, ...jsonBody(z.object({ stageIds: z.array(z.string().min(1).max(64)).min(1).max(MAX_STAGES) }).strict()) },
    responses: { 200: pipelineResponse("Reordered"), ...standardErrors },
  }),
  updateStage: createRoute({
    ...settingsRoute,
    method: "patch",
    path: "/{id}/stages/{stageId}",
    summary: "Rename a stage or change its probability",
    request: { params: StageParams, ...jsonBody(z.object({ name: Name.optional(), probability: Probability.optional() }).strict()) },
    responses: { 200: pipelineResponse("Updated"), ...standardErrors },
  }),
  removeStage: createRoute({
    ...settingsRoute,
    method: "delete",
    path: "/{id}/stages/{stageId}",
    summary: "Delete a stage that holds no open deals",
    request: { params: StageParams },
    responses: { 200: pipelineResponse("The pipeline without the stage"), ...standardErrors, 409: conflictResponse("Open deals are in the stage, or it is the last one") },
  }),
};

export const pipelineRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { db, orgId } = requestScope(c);
    return ok(c, await listPipelines(db, orgId), { status: 200 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId } = requestScope(c);
    return ok(c, await requirePipeline(db, orgId, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await createPipeline(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await updatePipeline(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    await deletePipeline(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Pipeline deleted" });
  })
  .openapi(routes.addStage, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await addStage(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.reorder, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const pipeline = await reorderStages(db, orgId, actor, c.req.valid("param").id, c.req.valid("json").stageIds);
    return ok(c, pipeline, { status: 200 });
  })
  .openapi(routes.updateStage, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const { id, stageId } = c.req.valid("param");
    return ok(c, await updateStage(db, orgId, actor, id, stageId, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.removeStage, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    const { id, stageId } = c.req.valid("param");
    return ok(c, await deleteStage(db, orgId, actor, id, stageId), { status: 200 });
  });
