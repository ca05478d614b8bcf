import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../platform/db";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { actorOf } from "../platform/records";
import { createExtension, deleteExtension, listExtensions, updateExtension } from "./extensions";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

const ExtensionSchema = z
  .object({
    id: z.string(),
    providerId: z.string(),
    userId: z.string(),
    extension: z.string().openapi({ description: "PBX extension, or Twilio Client identity" }),
    label: z.string().nullable(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("TelephonyExtension");

const Ref = z.string().min(1).max(64);
const Extension = z.string().trim().regex(/^[A-Za-z0-9_.@:+-]{1,64}$/, "1-64 letters, digits or _ . @ : + -");
const Label = z.string().trim().max(100).nullable().optional();

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "Extensions: which member is which PBX extension / Twilio identity",
    request: { query: z.object({ providerId: Ref.optional(), userId: Ref.optional() }) },
    responses: { 200: jsonResponse(envelope(z.array(ExtensionSchema)), "Extensions"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security,
    middleware: [requirePermission("telephony:manage")] as const,
    summary: "Map a member to an extension at a provider",
    request: jsonBody(z.object({ providerId: Ref, userId: Ref, extension: Extension, label: Label }).strict()),
    responses: { 201: jsonResponse(envelope(ExtensionSchema), "Created"), 409: jsonResponse(z.any(), "Extension or member already mapped at this provider"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security,
    middleware: [requirePermission("telephony:manage")] as const,
    summary: "Change an extension mapping",
    request: { params: IdParam, ...jsonBody(z.object({ userId: Ref.optional(), extension: Extension.optional(), label: Label }).strict()) },
    responses: { 200: jsonResponse(envelope(ExtensionSchema), "Updated"), 409: jsonResponse(z.any(), "Taken"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security,
    middleware: [requirePermission("telephony:manage")] as const,
    summary: "Remove an extension mapping",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), ...standardErrors },
  }),
};

export const telephonyExtensionRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const { orgId } = c.get("auth");
    return ok(c, await listExtensions(orgDb(c.env, orgId), orgId, c.req.valid("query")), { status: 200 });
  })
  .openapi(routes.create, async (c) => {
    const auth = c.get("auth");
    return ok(c, await createExtension(orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const auth = c.get("auth");
    const row = await updateExtension(orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), c.req.valid("param").id, c.req.valid("json"));
    return ok(c, row, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const auth = c.get("auth");
    await deleteExtension(orgDb(c.env, auth.orgId), auth.orgId, actorOf(auth, c.get("requestId")), c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Extension deleted" });
  });
