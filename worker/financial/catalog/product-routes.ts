import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { sortParam } from "../../platform/list";
import { requirePermission } from "../../platform/auth-middleware";
import { createProduct, getProduct, listProducts, removeProduct, updateProduct } from "./products";

const tags = ["Finance: catalog"];
const security = [{ bearerAuth: [] }];

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "Use an ISO 4217 code, e.g. EUR").openapi({ example: "EUR" });
/** Integer amounts in the currency's minor unit; 10^15 keeps every sum of 500 lines a safe integer. */
export const MinorAmount = z.number().int().min(0).max(1e15).openapi({ description: "In the currency's minor unit (cents; yen have none)" });
export const RateBps = z.number().int().min(0).max(10_000).openapi({ description: "Basis points: 1900 = 19%" });

export const ProductSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    sku: z.string().nullable(),
    description: z.string().nullable(),
    unitPrice: z.number().int(),
    currency: z.string(),
    taxRateBps: z.number().int(),
    defaultPeriodMonths: z.number().int().nullable(),
    active: z.boolean(),
    createdBy: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Product");

const Fields = {
  name: z.string().trim().min(1).max(200),
  sku: z.string().trim().max(64).nullable().openapi({ description: "Unique within the organization; empty or null for none" }),
  description: z.string().trim().max(2000).nullable(),
  unitPrice: MinorAmount,
  currency: CurrencyCode,
  taxRateBps: RateBps,
  defaultPeriodMonths: z.number().int().min(1).max(120).nullable().openapi({ description: "A recurring product's service period in months; null for one-off" }),
  active: z.boolean(),
};

const CreateProduct = z.object(Fields).partial().required({ name: true, unitPrice: true, currency: true }).strict().openapi("ProductCreate");
const UpdateProduct = z.object(Fields).partial().strict().openapi("ProductUpdate");

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, summary: "Products of the catalog, searched, filtered, sorted and paginated",
    middleware: [requirePermission("billing:read")] as const,
    request: {
      query: z.object({
        ...paginationQuery,
        sort: sortParam(["name", "unitPrice", "sku", "createdAt", "updatedAt"], "name"),
        q: z.string().trim().min(1).max(100).optional().openapi({ description: "Matches name, SKU or description" }),
        active: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
        currency: CurrencyCode.optional(),
      }),
    },
    responses: { 200: jsonResponse(listEnvelope(ProductSchema), "Products"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, summary: "One product",
    middleware: [requirePermission("billing:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ProductSchema), "Product"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, summary: "Add a product to the catalog",
    middleware: [requirePermission("billing:manage")] as const,
    request: jsonBody(CreateProduct),
    responses: { 201: jsonResponse(envelope(ProductSchema), "Created"), 409: jsonResponse(z.any(), "The SKU is taken"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, summary: "Change a product; lines already written keep their copied name and price",
    middleware: [requirePermission("billing:manage")] as const,
    request: { params: IdParam, ...jsonBody(UpdateProduct) },
    responses: { 200: jsonResponse(envelope(ProductSchema), "Updated"), 409: jsonResponse(z.any(), "The SKU is taken"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security,
    summary: "Delete a product, or archive it when a line uses it",
    description: "A product named by any deal, quote or invoice line is archived (`active: false`) instead of deleted, so revenue by product keeps its name; the answer's `archived` says which happened.",
    middleware: [requirePermission("billing:manage")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.object({ archived: z.boolean() })), "Deleted or archived"), ...standardErrors },
  }),
};

export const productRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const orgId = c.get("auth").orgId;
    const { rows, total } = await listProducts(orgDb(c.env, orgId), orgId, { ...q, perPage: q.per_page });
    return ok(c, rows, { meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const orgId = c.get("auth").orgId;
    return ok(c, await getProduct(orgDb(c.env, orgId), orgId, c.req.valid("param").id));
  })
  .openapi(routes.create, async (c) => {
    const auth = c.get("auth");
    return ok(c, await createProduct(orgDb(c.env, auth.orgId), auth, c.req.valid("json"), c.get("requestId")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const auth = c.get("auth");
    return ok(c, await updateProduct(orgDb(c.env, auth.orgId), auth, c.req.valid("param").id, c.req.valid("json"), c.get("requestId")));
  })
  .openapi(routes.remove, async (c) => {
    const auth = c.get("auth");
    const result = await removeProduct(orgDb(c.env, auth.orgId), auth, c.req.valid("param").id, c.get("requestId"));
    return ok(c, result, { message: result.archived ? "Product archived: lines use it" : "Product deleted" });
  });
