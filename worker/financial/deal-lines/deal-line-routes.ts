import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { getDealLines, replaceDealLines } from "./deal-lines";
import { LineInputSchema, MAX_LINES } from "../catalog/line-input";

const tags = ["Finance: deal line items"];
const security = [{ bearerAuth: [] }];

const DealParam = z.object({ dealId: z.string().min(1).max(64).openapi({ param: { name: "dealId", in: "path" } }) });

export const TotalsSchema = z
  .object({ subtotal: z.number().int(), discountTotal: z.number().int(), tax: z.number().int(), total: z.number().int() })
  .openapi({ description: "Minor units: subtotal after discounts, tax summed per line, total = subtotal + tax" })
  .openapi("DocumentTotals");

const DealLineSchema = z
  .object({
    id: z.string(),
    position: z.number().int(),
    productId: z.string().nullable(),
    description: z.string(),
    quantity: z.number(),
    unitPrice: z.number().int(),
    discountBps: z.number().int(),
    taxRateBps: z.number().int(),
    periodStart: z.string().nullable(),
    periodEnd: z.string().nullable(),
    currency: z.string(),
    gross: z.number().int().openapi({ description: "quantity × unit price, rounded to the currency" }),
    discountAmount: z.number().int(),
    amount: z.number().int().openapi({ description: "After discount, before tax" }),
    taxAmount: z.number().int(),
  })
  .openapi("DealLine");

const DealLinesSchema = z
  .object({
    dealId: z.string(),
    currency: z.string(),
    dealAmount: z.number().int().openapi({ description: "The deal's amount, in minor units" }),
    amountFollowsLines: z.boolean(),
    lines: z.array(DealLineSchema),
    totals: TotalsSchema,
  })
  .openapi("DealLines");

const ReplaceLines = z
  .object({
    lines: z.array(LineInputSchema).max(MAX_LINES).openapi({ description: `The whole ordered list (at most ${MAX_LINES}); an empty list removes every line` }),
    amountFollowsLines: z.boolean().optional().openapi({ description: "When true (the default), each change writes the subtotal before tax to the deal's amount" }),
  })
  .strict()
  .openapi("DealLinesReplace");

const routes = {
  get: createRoute({
    method: "get", path: "/{dealId}/lines", tags, security, summary: "A deal's line items with their amounts and the totals",
    middleware: [requirePermission("records:read")] as const,
    request: { params: DealParam },
    responses: { 200: jsonResponse(envelope(DealLinesSchema), "Lines and totals"), ...standardErrors },
  }),
  replace: createRoute({
    method: "put", path: "/{dealId}/lines", tags, security,
    summary: "Replace a deal's line items (from the catalog or free-form)",
    description:
      "Writes the whole ordered list in one batch. A line with `productId` copies the product's name, price and tax rate unless the line sends its own. " +
      "Every line must be in the deal's currency. When the amount follows the lines, the subtotal before tax becomes the deal's amount through the organization room, so live boards update.",
    middleware: [requirePermission("records:write")] as const,
    request: { params: DealParam, ...jsonBody(ReplaceLines) },
    responses: { 200: jsonResponse(envelope(DealLinesSchema), "Stored, with amounts and totals"), ...standardErrors },
  }),
};

export const dealLineRoutes = createRouter()
  .openapi(routes.get, async (c) => ok(c, await getDealLines(c.env, c.get("auth"), c.req.valid("param").dealId)))
  .openapi(routes.replace, async (c) => ok(c, await replaceDealLines(c.env, c.get("auth"), c.req.valid("param").dealId, c.req.valid("json"), c.get("requestId"))));
