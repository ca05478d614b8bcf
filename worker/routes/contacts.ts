import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../lib/db";
import {
  createRouter,
  envelope,
  IdParam,
  jsonBody,
  jsonResponse,
  listEnvelope,
  metaOf,
  ok,
  paginationQuery,
  standardErrors,
} from "../lib/http";
import { sortParam } from "../lib/list";
import { requirePermission } from "../middleware/auth";
import {
  CONTACT_SORTS,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "../services/contacts";
import { ClientId, contactFields, csvResponse, recordFields, recordFilters, recordInput } from "../services/record-schemas";
import { csvHeaders, exportCsv } from "../services/csv-export";
import { actorOf } from "../services/records";

const tags = ["Contacts"];
const security = [{ bearerAuth: [] }];

export const ContactSchema = z
  .object({
    ...recordFields,
    firstName: z.string(),
    lastName: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    title: z.string().nullable(),
    companyId: z.string().nullable(),
    source: z.string().nullable(),
  })
  .openapi("Contact");

const ContactDetailSchema = ContactSchema.extend({
  company: z.object({ id: z.string(), name: z.string() }).nullable(),
}).openapi("ContactDetail");

const CreateBody = z.object({ id: ClientId.optional(), ...contactFields, ...recordInput }).strict();
const UpdateBody = z.object({ ...contactFields, firstName: contactFields.firstName.optional(), ...recordInput }).strict();

const filters = {
  ...recordFilters,
  sort: sortParam(CONTACT_SORTS, "name"),
  companyId: z.string().min(1).max(64).optional(),
  email: z.string().trim().min(1).max(254).optional(),
};

const routes = {
  list: createRoute({
    method: "get",
    path: "/",
    tags,
    security,
    summary: "Contacts, filtered, sorted (name is last name, then first name) and paginated",
    middleware: [requirePermission("records:read")] as const,
    request: {
      query: z.object({ ...paginationQuery, ...filters }),
    },
    responses: { 200: jsonResponse(listEnvelope(ContactSchema), "Contacts"), ...standardErrors },
  }),
  exportCsv: createRoute({
    method: "get",
    path: "/export.csv",
    tags,
    security,
    summary: "The filtered list as CSV, streamed (re-imports as it is through POST /api/imports)",
    middleware: [requirePermission("records:read")] as const,
    request: { query: z.object(filters) },
    responses: { 200: csvResponse("Contacts as CSV"), ...standardErrors },
  }),
  create: createRoute({
    method: "post",
    path: "/",
    tags,
    security,
    summary: "Create a contact",
    middleware: [requirePermission("records:write")] as const,
    request: jsonBody(CreateBody),
    responses: {
      201: jsonResponse(envelope(ContactSchema), "Created"),
      ...standardErrors,
      409: jsonResponse(z.any(), "The client-supplied id is taken"),
    },
  }),
  get: createRoute({
    method: "get",
    path: "/{id}",
    tags,
    security,
    summary: "One contact, with its company",
    middleware: [requirePermission("records:read")] as const,
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(ContactDetailSchema), "Contact"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/{id}",
    tags,
    security,
    summary: "Change some fields of a contact (null clears an optional field)",
    middleware: [requirePermission("records:write")] as const,
    request: { params: IdParam, ...jsonBody(UpdateBody) },
    responses: { 200: jsonResponse(envelope(ContactSchema), "Updated"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete",
    path: "/{id}",
    tags,
    security,
    summary: "Delete a contact; its activities stay, unlinked",
    middleware: [requirePermission("records:delete")] as const,
    request: { params: IdParam },
    responses: {
      200: jsonResponse(envelope(z.null()), "Deleted"),
      ...standardErrors,
      409: jsonResponse(z.any(), "Deals are linked to the contact"),
    },
  }),
};

export const contactRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { orgId } = c.get("auth");
    const { rows, total } = await listContacts(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      q: q.q,
      companyId: q.companyId,
      ownerId: q.ownerId,
      tag: q.tag,
      email: q.email,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.exportCsv, async (c) => {
    const { orgId } = c.get("auth");
    const stream = exportCsv(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), { resource: "contacts", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("contacts"));
  })
  .openapi(routes.create, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    return ok(c, await createContact(orgDb(c.env, orgId), orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { orgId } = c.get("auth");
    return ok(c, await getContact(orgDb(c.env, orgId), orgId, actorOf(c.get("auth")), c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    const contact = await updateContact(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id, c.req.valid("json"));
    return ok(c, contact, { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { orgId } = c.get("auth");
    const actor = actorOf(c.get("auth"), c.get("requestId"));
    await deleteContact(orgDb(c.env, orgId), orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Contact deleted" });
  });
