import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { actorOf } from "../platform/records";
import { GLOBAL_SEARCH_TYPES, searchEverything, type GlobalSearchType } from "./global-search";

const SearchHitSchema = z
  .object({
    type: z.enum(GLOBAL_SEARCH_TYPES),
    id: z.string(),
    title: z.string(),
    subtitle: z.string().nullable().openapi({ description: "A record's detail; for a call, the words around the match" }),
    score: z.number().openapi({ description: "Relevance (higher is better), comparable within one answer" }),
    recordScore: z.number().int().nullable().optional().openapi({ description: "Leads and deals: the predictive score 0–100 (null until scored)" }),
  })
  .openapi("SearchHit");

const Types = z
  .string()
  .max(100)
  .refine((v) => v.split(",").every((t) => (GLOBAL_SEARCH_TYPES as readonly string[]).includes(t.trim())), {
    message: `A comma-separated subset of ${GLOBAL_SEARCH_TYPES.join(", ")}`,
  })
  .optional()
  .openapi({ example: "contacts,companies" });

const searchRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Search"],
  security: [{ bearerAuth: [] }],
  summary: "Type-ahead search over contacts, companies, leads, deals and what was said in calls",
  description:
    "Every word of `q` matches as a prefix (\"ann\" finds \"Annabel\"); all words must match. Names rank above details. " +
    "Calls match on their transcripts. Only records and calls you can see are returned.",
  middleware: [requirePermission("records:read")] as const,
  request: {
    query: z.object({
      q: z.string().max(200),
      types: Types,
      limit: z.coerce.number().int().min(1).max(20).default(10),
    }),
  },
  responses: { 200: jsonResponse(envelope(z.array(SearchHitSchema)), "Hits, best first"), ...standardErrors },
});

export const globalSearchRoutes = createRouter().openapi(searchRoute, async (c) => {
  const { q, types, limit } = c.req.valid("query");
  const { orgId } = c.get("auth");
  const wanted = types ? [...new Set(types.split(",").map((t) => t.trim() as GlobalSearchType))] : GLOBAL_SEARCH_TYPES;
  const hits = await searchEverything(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), { q, types: wanted, limit });
  return ok(c, hits, { status: 200 });
});
