import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { requirePermission } from "../../platform/auth-middleware";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../../platform/http";
import { sortParam } from "../../platform/list";
import { actorOf } from "../../platform/records";
import { conflict } from "../../platform/errors";
import { createInvoice, deleteInvoice, updateInvoice } from "./invoice-drafts";
import { publishInvoiceChanged } from "./invoice-events";
import { closeInvoice, decideQuote, finalizeInvoice } from "./invoice-lifecycle";
import { getInvoice, invoiceDetail, invoiceTotals, listInvoices, orgToday, requireInvoice } from "./invoice-reads";
import {
  CreateInvoiceSchema,
  DecisionSchema,
  INVOICE_SORTS,
  InvoiceDetailSchema,
  InvoiceSchema,
  ListInvoicesQuery,
  UpdateInvoiceSchema,
} from "./invoice-schemas";

const tags = ["Invoices and quotes"];
const security = [{ bearerAuth: [] }];
const read = requirePermission("billing:read");
const manage = requirePermission("billing:manage");
const detail = (description: string) => jsonResponse(envelope(InvoiceDetailSchema), description);

const TotalsSchema = z
  .object({ currency: z.string(), count: z.number().int(), total: z.number().int(), amountPaid: z.number().int(), amountDue: z.number().int().openapi({ description: "Still owed on open invoices" }) })
  .openapi("InvoiceTotals");

const action = <P extends string>(path: P, summary: string, description: string) =>
  createRoute({
    method: "post", path, tags, security, summary, description, middleware: manage,
    request: { params: IdParam },
    responses: { 200: detail("The document after the change"), 409: jsonResponse(z.any(), "Not in a state that allows this (`conflict`)"), ...standardErrors },
  });

const decision = <P extends string>(path: P, summary: string, description: string) =>
  createRoute({
    method: "post", path, tags, security, summary, description, middleware: manage,
    request: { params: IdParam, ...jsonBody(DecisionSchema) },
    responses: { 200: detail("Accepting answers the invoice drafted from the quote; declining answers the quote"), 409: jsonResponse(z.any(), "Not an open quote any more (`conflict`)"), ...standardErrors },
  });

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security, middleware: read,
    summary: "Invoices and quotes, filtered, sorted and paginated",
    description: "`kind=quote` lists quotes. Agents restricted to their own records see the documents they own.",
    request: { query: z.object({ ...paginationQuery, sort: sortParam(INVOICE_SORTS, "-createdAt"), ...ListInvoicesQuery }) },
    responses: { 200: jsonResponse(listEnvelope(InvoiceSchema), "Documents"), ...standardErrors },
  }),
  totals: createRoute({
    method: "get", path: "/totals", tags, security, middleware: read,
    summary: "Totals per currency of the documents the filters match",
    description: "Same filters as the list; amounts in different currencies are never added together.",
    request: { query: z.object(ListInvoicesQuery) },
    responses: { 200: jsonResponse(envelope(z.array(TotalsSchema)), "One row per currency"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security, middleware: read,
    summary: "One invoice or quote with its lines, payments and customer",
    request: { params: IdParam },
    responses: { 200: detail("The document"), ...standardErrors },
  }),
  create: createRoute({
    method: "post", path: "/", tags, security, middleware: manage,
    summary: "Draft an invoice or quote",
    description: "`fromDealId` copies the deal's line items, company, contact, currency and owner; `lines` given replace the copy. Totals are computed by the server.",
    request: jsonBody(CreateInvoiceSchema),
    responses: { 201: detail("The draft"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch", path: "/{id}", tags, security, middleware: manage,
    summary: "Change a draft (lines, customer, dates, memo)",
    description: "`lines` replaces all lines. A finalized document answers 409.",
    request: { params: IdParam, ...jsonBody(UpdateInvoiceSchema) },
    responses: { 200: detail("The draft"), 409: jsonResponse(z.any(), "Not a draft (`conflict`)"), ...standardErrors },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}", tags, security, middleware: manage,
    summary: "Delete a draft",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(z.null()), "Deleted"), 409: jsonResponse(z.any(), "Not a draft: void it instead (`conflict`)"), ...standardErrors },
  }),
  finalize: action(
    "/{id}/finalize",
    "Finalize: give the next number and freeze the lines",
    "The organization's gapless sequence of the kind, formatted per the billing settings. An invoice opens (or is paid at once when its total is 0); a quote is issued. Empty documents or ones without a customer answer 400.",
  ),
  void: action("/{id}/void", "Void an open document", "The number is kept; nothing is owed any more."),
  uncollectible: action("/{id}/mark-uncollectible", "Mark an open invoice uncollectible", "Written off; the amount stays due in the books."),
  accept: decision("/{id}/accept", "Accept an open quote on the customer's behalf", "Drafts an invoice from the quote's lines, linked both ways."),
  decline: decision("/{id}/decline", "Record that the customer declined an open quote", "The quote can no longer be accepted."),
};

export const invoiceRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const auth = c.get("auth");
    const q = c.req.valid("query");
    const { rows, total } = await listInvoices(orgDb(c.env, auth.orgId), auth, { ...q, perPage: q.per_page });
    return ok(c, rows, { meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.totals, async (c) => {
    const auth = c.get("auth");
    return ok(c, await invoiceTotals(orgDb(c.env, auth.orgId), auth, c.req.valid("query")));
  })
  .openapi(routes.get, async (c) => {
    const auth = c.get("auth");
    return ok(c, await getInvoice(orgDb(c.env, auth.orgId), auth, c.req.valid("param").id));
  })
  .openapi(routes.create, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const row = await createInvoice(db, actorOf(auth, c.get("requestId")), c.req.valid("json"));
    await publishInvoiceChanged(c.env, db, row, "created", auth.userId);
    return ok(c, await invoiceDetail(db, row, await orgToday(db, auth.orgId)), { status: 201 });
  })
  .openapi(routes.update, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const row = await updateInvoice(db, actorOf(auth, c.get("requestId")), c.req.valid("param").id, c.req.valid("json"));
    await publishInvoiceChanged(c.env, db, row, "updated", auth.userId);
    return ok(c, await invoiceDetail(db, row, await orgToday(db, auth.orgId)));
  })
  .openapi(routes.remove, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const row = await deleteInvoice(db, actorOf(auth, c.get("requestId")), c.req.valid("param").id);
    await publishInvoiceChanged(c.env, db, row, "deleted", auth.userId);
    return ok(c, null);
  })
  .openapi(routes.finalize, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const current = await requireInvoice(db, auth, c.req.valid("param").id);
    const row = await finalizeInvoice(db, current, { userId: auth.userId, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, row, row.status === "paid" ? "paid" : "finalized", auth.userId);
    return ok(c, await invoiceDetail(db, row, await orgToday(db, auth.orgId)));
  })
  .openapi(routes.void, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const current = await requireInvoice(db, auth, c.req.valid("param").id);
    const row = await closeInvoice(db, current, { to: "void", from: "open" }, { userId: auth.userId, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, row, "voided", auth.userId);
    return ok(c, await invoiceDetail(db, row, await orgToday(db, auth.orgId)));
  })
  .openapi(routes.uncollectible, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const current = await requireInvoice(db, auth, c.req.valid("param").id);
    const row = await closeInvoice(db, current, { to: "uncollectible", from: "open" }, { userId: auth.userId, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, row, "uncollectible", auth.userId);
    return ok(c, await invoiceDetail(db, row, await orgToday(db, auth.orgId)));
  })
  .openapi(routes.accept, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const quote = await requireInvoice(db, auth, c.req.valid("param").id, "quote");
    const result = await decideQuote(db, quote, { accept: true, name: c.req.valid("json").name }, { userId: auth.userId, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, result.quote, "accepted", auth.userId);
    if (!result.invoice) throw conflict("The quote was accepted but its invoice could not be drafted");
    await publishInvoiceChanged(c.env, db, result.invoice, "created", auth.userId);
    return ok(c, await invoiceDetail(db, result.invoice, await orgToday(db, auth.orgId)));
  })
  .openapi(routes.decline, async (c) => {
    const auth = c.get("auth");
    const db = orgDb(c.env, auth.orgId);
    const quote = await requireInvoice(db, auth, c.req.valid("param").id, "quote");
    const result = await decideQuote(db, quote, { accept: false, name: c.req.valid("json").name }, { userId: auth.userId, requestId: c.get("requestId") });
    await publishInvoiceChanged(c.env, db, result.quote, "declined", auth.userId);
    return ok(c, await invoiceDetail(db, result.quote, await orgToday(db, auth.orgId)));
  });
