import { z } from "@hono/zod-openapi";
import { createRouter, metaOf, ok } from "../../platform/http";
import { sortParam } from "../../platform/list";
import {
  CONTACT_SORTS,
  createContact,
  deleteContact,
  getContact,
  listContacts,
  updateContact,
} from "./contacts";
import { ClientId, contactFields, recordFields, recordFilters, recordInput } from "./record-schemas";
import { csvHeaders, exportCsv } from "../imports/csv-export";
import { csvExportRoute, recordRoutes, requestScope } from "./record-routes";

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

const ContactRowSchema = ContactSchema.extend({
  companyName: z.string().nullable().openapi({ description: "The linked company's name; null when none or not visible to you" }),
}).openapi("ContactRow");

const filters = {
  ...recordFilters,
  sort: sortParam(CONTACT_SORTS, "name"),
  companyId: z.string().min(1).max(64).optional(),
  email: z.string().trim().min(1).max(254).optional(),
};

const routes = {
  ...recordRoutes({
    tag: "Contacts",
    name: "Contact",
    schema: ContactSchema,
    detailSchema: ContactDetailSchema,
    listSchema: ContactRowSchema,
    listFilters: filters,
    createBody: z.object({ id: ClientId.optional(), ...contactFields, ...recordInput }).strict(),
    updateBody: z.object({ ...contactFields, firstName: contactFields.firstName.optional(), ...recordInput }).strict(),
    summaries: {
      list: "Contacts, filtered, sorted (name is last name, then first name) and paginated",
      create: "Create a contact",
      get: "One contact, with its company",
      update: "Change some fields of a contact (null clears an optional field)",
      remove: "Delete a contact; its activities stay, unlinked",
    },
    conflicts: { remove: "Deals are linked to the contact" },
  }),
  exportCsv: csvExportRoute("Contacts", filters),
};

// /export.csv is registered before /{id}, which would otherwise take it as an id.
export const contactRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = requestScope(c);
    const { rows, total } = await listContacts(db, orgId, actor, {
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
    const { db, orgId, actor } = requestScope(c);
    const stream = exportCsv(db, orgId, actor, { resource: "contacts", query: c.req.valid("query") });
    return c.body(stream, 200, csvHeaders("contacts"));
  })
  .openapi(routes.create, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await createContact(db, orgId, actor, c.req.valid("json")), { status: 201 });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await getContact(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    return ok(c, await updateContact(db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = requestScope(c);
    await deleteContact(db, orgId, actor, c.req.valid("param").id);
    return ok(c, null, { status: 200, message: "Contact deleted" });
  });
