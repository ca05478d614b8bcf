import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { sortParam } from "../../platform/list";
import { requirePermission } from "../../platform/auth-middleware";
import { FRACTIONAL_KEY } from "../../../schema/board-deal-schema";
import type { DealRecord } from "../../../schema/board-document";
import { createDeal, deleteDeal, getDeal, listDeals, updateDeal, withScores } from "./deals";
import { ScoreBound, ScoreFactorSchema } from "../record-scores";

const tags = ["Deals"];
const security = [{ bearerAuth: [] }];

export const DealSchema = z
  .object({
    id: z.string(),
    title: z.string(),
    amount: z.number(),
    currency: z.string(),
    pipelineId: z.string(),
    stageId: z.string(),
    position: z.string().openapi({ description: "Fractional-index key ordering the card within its stage" }),
    contactId: z.string().nullable(),
    companyId: z.string().nullable(),
    leadId: z.string().nullable(),
    ownerId: z.string().nullable(),
    closeDate: z.string().nullable(),
    status: z.enum(["open", "won", "lost"]),
    lostReason: z.string().nullable(),
    tags: z.array(z.string()),
    createdBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedBy: z.string().nullable(),
    updatedAt: z.number().int(),
  })
  .openapi("Deal");

/** The API's deal is the board's card (schema/board-document.ts): if either changes alone, this stops compiling. */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const dealIsTheBoardCard: Same<z.infer<typeof DealSchema>, DealRecord> = true;

const scoreFields = {
  score: z.number().int().nullable().openapi({ description: "Predictive score 0–100 (the override if any); null until scored. Not on the board's card." }),
  scoreFactors: z.array(ScoreFactorSchema).nullable().openapi({ description: "The top factors in points" }),
  scoreModel: z.string().nullable().openapi({ description: "The model version that scored it" }),
  scoreOverridden: z.boolean().openapi({ description: "Whether `score` is a manager's override" }),
};

const DealDetailSchema = DealSchema.extend(scoreFields).openapi("DealDetail");

const DealRowSchema = DealSchema.extend({
  contactName: z.string().nullable(),
  companyName: z.string().nullable(),
  ...scoreFields,
})
  .openapi({ description: "Linked records' names are null when there is no link or you may not see it" })
  .openapi("DealRow");

const Id = z.string().min(1).max(64);
const Fields = {
  title: z.string().trim().min(1).max(200),
  amount: z.number().finite().min(0).max(1e15),
  currency: z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, e.g. USD"),
  pipelineId: Id,
  stageId: Id,
  position: z.string().regex(FRACTIONAL_KEY, "A fractional-index key"),
  contactId: Id.nullable(),
  companyId: Id.nullable(),
  ownerId: Id.nullable(),
  closeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "Use YYYY-MM-DD").nullable(),
  status: z.enum(["open", "won", "lost"]),
  lostReason: z.string().max(500).nullable(),
  tags: z.array(z.string().trim().min(1).max(40)).max(20),
};

const CreateDeal = z
  .object({ id: z.string().uuid().optional(), ...Fields, title: Fields.title })
  .partial()
  .required({ title: true })
  .strict();
/** A PATCH body as REST validates it; workflow actions setting fields validate the same way. */
export const UpdateDeal = z.object(Fields).partial().strict();

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, summary: "Deals, filtered, sorted and paginated",
    middleware: [requirePermission("records:read")] as const,
    request: {
      query: z.object({
        ...paginationQuery,
        sort: sortParam(["title", "amount", "closeDate", "createdAt", "updatedAt", "score"], "-updatedAt"),
        minScore: ScoreBound, maxScore: ScoreBound,
        pipelineId: Id.optional(), stageId: Id.optional(), status: Fields.status.optional(),
        ownerId: Id.optional(), contactId: Id.optional(), companyId: Id.optional(),
        tag: z.string().max(40).optional(), q: z.string().trim().min(1).max(100).optional(),
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(DealRowSchema), "Deals"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, summary: "One deal",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(DealDetailSchema), "Deal, with its score"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security,
    summary: "Create a deal (defaults: the default pipeline's first stage, at the end; owner = you)",
    middleware: [requirePermission("records:write")] as const,
    request: jsonBody(CreateDeal),
    responses: { 201: jsonResponse(envelope(DealSchema), "Created, as stored"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security,
    summary: "Change a deal; goes through the organization room, so live boards see it at once",
    middleware: [requirePermission("records:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateDeal) },
    responses: { 200: jsonResponse(envelope(DealSchema), "Updated, as stored"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, summary: "Delete a deal",
    middleware: [requirePermission("records:delete")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const dealRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const auth = c.get("auth");
    const { rows, total } = await listDeals(orgDb(c.env, auth.orgId), auth, { ...q, perPage: q.per_page });
    return ok(c, rows, { meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const [deal] = await withScores(db, auth.orgId, [await getDeal(db, auth, c.req.valid("param").id)]);
    return ok(c, deal);
  })
  .openapi(routes.create, async (c) => {
    return ok(c, await createDeal(c.env, c.get("auth"), c.req.valid("json"), c.get("requestId")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    return ok(c, await updateDeal(c.env, c.get("auth"), c.req.valid("param").id, c.req.valid("json"), c.get("requestId")));
  })
  .openapi(routes.remove, async (c) => {
    await deleteDeal(c.env, c.get("auth"), c.req.valid("param").id, c.get("requestId"));
    return ok(c, null, { message: "Deal deleted" });
  });
