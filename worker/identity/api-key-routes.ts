import { createRoute, z } from "@hono/zod-openapi";
import { directoryDb } from "../platform/db";
import { forbidden } from "../platform/errors";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../platform/http";
import { requireSession } from "../platform/auth-middleware";
import { can, PERMISSIONS, type Permission } from "../platform/permissions";
import { RoleSchema } from "./auth-result";
import { createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

const tags = ["API keys"];
const security = [{ bearerAuth: [] }];

const ApiKeySchema = z
  .object({
    id: z.string(),
    kind: z.enum(["personal", "organization"]),
    name: z.string(),
    userId: z.string().openapi({ description: "The creator; personal keys act as this member" }),
    role: RoleSchema.nullable().openapi({ description: "Organization keys: the role they act with" }),
    tokenPrefix: z.string(),
    scopes: z.array(z.string()).nullable().openapi({ description: "null = every permission the key's role has" }),
    expiresAt: z.number().int().nullable(),
    lastUsedAt: z.number().int().nullable(),
    revokedAt: z.number().int().nullable(),
    createdAt: z.number().int(),
  })
  .openapi("ApiKey");

const ListedApiKeySchema = ApiKeySchema.extend({ creatorName: z.string().nullable() }).openapi("ListedApiKey");

const CreateApiKeySchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    scopes: z.array(z.string().min(1).max(64)).min(1).max(Object.keys(PERMISSIONS).length).optional(),
    expiresAt: z.number().int().positive().optional().openapi({ description: "Epoch milliseconds, in the future and at most two years away" }),
    kind: z.enum(["personal", "organization"]).default("personal"),
    role: RoleSchema.optional().openapi({ description: "Organization keys only: at most your own role (default: yours)" }),
  })
  .strict();

const ScopeSchema = z.object({ permission: z.string(), roles: z.array(RoleSchema) }).openapi("ApiKeyScope");

const sessionOnly = "A person signed in: API keys cannot create, list or revoke keys, so a leaked key cannot mint another.";

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Your API keys (with api_keys:manage, every key of the organization)",
    description: `Never includes a token or its hash. ${sessionOnly}`,
    middleware: [requireSession] as const,
    request: { query: z.object(paginationQuery) },
    responses: { 200: jsonResponse(listEnvelope(ListedApiKeySchema), "API keys"), ...standardErrors },
  }),
  scopes: createRoute({
    method: "get",
    path: "/scopes",
    tags,
    security,
    summary: "The permissions you may give a key, with the roles that have each",
    middleware: [requireSession] as const,
    responses: { 200: jsonResponse(envelope(z.array(ScopeSchema)), "Scopes"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create an API key; its token (`nc_…`) is in this answer only",
    description:
      "Send it as `Authorization: Bearer nc_…`. Scopes are permission names within the key's role (none = all of them, following your role as it changes). " +
      `Organization keys need api_keys:manage, act with \`role\` and survive their creator. ${sessionOnly}`,
    middleware: [requireSession] as const,
    request: jsonBody(CreateApiKeySchema),
    responses: { 201: jsonResponse(envelope(ApiKeySchema.extend({ token: z.string() })), "Created (the token is shown once)"), ...standardErrors },
  }),
  revoke: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Revoke an API key (your own; any with api_keys:manage)",
    description: `The key stops working on its next request. ${sessionOnly}`,
    middleware: [requireSession] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ApiKeySchema), "Revoked"), ...standardErrors },
  }),
};

export const apiKeyRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    const q = c.req.valid("query");
    const { rows, total } = await listApiKeys(directoryDb(c.env), orgId, { userId, role }, { page: q.page, perPage: q.per_page });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.scopes, async (c) => {
    const { role } = c.get("auth");
    const scopes = (Object.keys(PERMISSIONS) as Permission[])
      .filter((p) => can(role, p))
      .map((permission) => ({ permission, roles: [...PERMISSIONS[permission]] }));
    return ok(c, scopes, { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    if (!can(role, "api_keys:create")) throw forbidden(`Your role (${role}) does not allow api_keys:create`);
    const key = await createApiKey(directoryDb(c.env), orgId, { userId, role, requestId: c.get("requestId") }, c.req.valid("json"));
    return ok(c, key, { status: 201, message: "Copy the token now: it is not shown again" });
  })
  .openapi(routes.revoke, async (c) => {
    const { orgId, userId, role } = c.get("auth");
    return ok(c, await revokeApiKey(directoryDb(c.env), orgId, { userId, role, requestId: c.get("requestId") }, c.req.valid("param").id), { status: 200 });
  });
