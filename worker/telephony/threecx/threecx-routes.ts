import { createRoute, z } from "@hono/zod-openapi";
import { orgDb } from "../../platform/db";
import { invalid } from "../../platform/errors";
import { createRouter, envelope, IdParam, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { defaultCountryOf } from "../../platform/records";
import { requireProvider } from "../providers/providers";
import { authenticate3cx, THREECX_KEY_HEADER } from "./threecx-auth";
import { journalCall, parseJournal } from "./threecx-journal";
import { lookupByNumber } from "./threecx-lookup";
import { threeCxTemplate } from "./threecx-template";
import { telephonyScope } from "../call-routes";

const tags = ["Telephony webhooks"];
const ProviderParam = z.object({
  providerId: z.string().min(1).max(64).openapi({ param: { name: "providerId", in: "path" } }),
});
const ContactJson = z.object({
  contacts: z.array(
    z.object({
      id: z.string(),
      entityType: z.enum(["Contacts", "Leads"]),
      firstName: z.string(),
      lastName: z.string(),
      company: z.string(),
      email: z.string(),
      phoneBusiness: z.string(),
      phoneMobile: z.string(),
      contactUrl: z.string(),
    }),
  ),
});
const webhookErrors = {
  400: jsonResponse(z.any(), "Invalid input"),
  401: jsonResponse(z.any(), "Missing or wrong provider key"),
  404: jsonResponse(z.any(), "No such 3CX provider"),
};

const routes = {
  lookup: createRoute({
    method: "get", path: "/{providerId}/lookup", tags,
    summary: "3CX contact lookup by caller number",
    description: `Authenticated by the \`${THREECX_KEY_HEADER}\` header (never the query string, which request logs keep). Numbers in national format are read in the organization's country. Answers \`{contacts: []}\` when nobody matches.`,
    request: { params: ProviderParam, query: z.object({ number: z.string().max(40).optional() }) },
    responses: { 200: jsonResponse(ContactJson, "Matching contacts (else leads), the format the 3CX template reads"), ...webhookErrors },
  }),
  journal: createRoute({
    method: "post", path: "/{providerId}/journal", tags,
    summary: "3CX call journaling: one finished call",
    description: `Authenticated by the \`${THREECX_KEY_HEADER}\` header. JSON or form-encoded: callType (Inbound|Outbound|Missed|Notanswered), callDirection?, number, name?, agent? (extension), agentEmail?, queueExtension?, duration? (hh:mm:ss), callStartUtc, callEstablishedUtc?, callEndUtc?. Idempotent: 3CX's retries change nothing.`,
    // Read raw after authentication, then validated against JournalBody.
    request: { params: ProviderParam },
    responses: {
      200: jsonResponse(envelope(z.object({ callId: z.string(), status: z.string(), contactId: z.string().nullable(), leadId: z.string().nullable() })), "Journaled"),
      ...webhookErrors,
    },
  }),
  template: createRoute({
    method: "get", path: "/{id}/3cx-template", tags: ["Telephony"], security: [{ bearerAuth: [] }],
    middleware: [requirePermission("telephony:manage")] as const,
    summary: "Download the 3CX CRM template (XML) pointing 3CX at this provider's lookup and journal endpoints",
    request: { params: IdParam },
    responses: { 200: { description: "The template", content: { "application/xml": { schema: z.string() } } }, ...standardErrors },
  }),
};

/** The endpoints 3CX calls, mounted at /api/telephony/3cx. */
export const telephony3cxRoutes = createRouter()
  .openapi(routes.lookup, async (c) => {
    const { providerId } = c.req.valid("param");
    const query = c.req.valid("query");
    const provider = await authenticate3cx(c.env, providerId, c.req.header(THREECX_KEY_HEADER));
    if (!query.number?.trim()) throw invalid({ number: ["Required: the caller's number"] });
    const db = orgDb(c.env, provider.orgId);
    return c.json(await lookupByNumber(db, provider.orgId, query.number, new URL(c.req.url).origin), 200);
  })
  .openapi(routes.journal, async (c) => {
    const { providerId } = c.req.valid("param");
    const provider = await authenticate3cx(c.env, providerId, c.req.header(THREECX_KEY_HEADER));
    const entry = parseJournal(c.req.header("content-type") ?? "", new TextDecoder().decode(await c.req.arrayBuffer()));
    return ok(c, await journalCall(c.env, provider, entry), { status: 200 });
  });

/** The template download, mounted with the provider routes at /api/telephony/providers. */
export const telephony3cxTemplateRoutes = createRouter().openapi(routes.template, async (c) => {
  const { db, orgId } = telephonyScope(c);
  const provider = await requireProvider(db, orgId, c.req.valid("param").id);
  if (provider.type !== "3cx") throw invalid({ id: ["Not a 3CX provider: the template is for 3CX only"] });
  const xml = threeCxTemplate({
    apiBase: new URL(c.req.url).origin,
    providerId: provider.id,
    name: provider.name,
    country: await defaultCountryOf(db, orgId),
  });
  return new Response(xml, {
    headers: {
      "content-type": "application/xml; charset=utf-8",
      "content-disposition": `attachment; filename="neuracrm-3cx-${provider.id}.xml"`,
      "cache-control": "no-store",
    },
  }) as never;
});
