import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { actorOf } from "../platform/records";
import { search, SEARCH_TYPES, type SearchType } from "./record-search";

const SearchHitSchema = z
  .object({
    type: z.enum(SEARCH_TYPES),
    id: z.string(),
    title: z.string(),
    subtitle: z.string().nullable(),
    score: z.number().openapi({ description: "Relevance (higher is better), comparable within one answer" }),
  })
  .openapi("SearchHit");

const Types = z
  .string()
  .max(100)
  .refine((v) => v.split(",").every((t) => (SEARCH_TYPES as readonly string[]).includes(t.trim())), {
    message: `A comma-separated subset of ${SEARCH_TYPES.join(", ")}`,
  })
  .optional()
  .openapi({ example: "contacts,companies" });

const searchRoute = createRoute({
  method: "get",
  path: "/",
  tags: ["Search"],
  security: [{ bearerAuth: [] }],
  summary: "Type-ahead search over contacts, companies, leads and deals",
  description:
    "Every word of `q` matches as a prefix (\"ann\" finds \"Annabel\"); all words must match. Names rank above details. " +
    "Only records you can see are returned.",
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

export const searchRoutes = createRouter().openapi(searchRoute, async (c) => {
  const { q, types, limit } = c.req.valid("query");
  const { orgId } = c.get("auth");
  const wanted = types ? [...new Set(types.split(",").map((t) => t.trim() as SearchType))] : SEARCH_TYPES;
  const hits = await search(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), { q, types: wanted, limit });
  return ok(c, hits, { status: 200 });
});
