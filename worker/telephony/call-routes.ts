import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../platform/env";
import { orgDb } from "../platform/db";
import { createRouter, envelope, ErrorSchema, IdParam, jsonBody, jsonResponse, listEnvelope, metaOf, ok, paginationQuery, standardErrors } from "../platform/http";
import { sortParam } from "../platform/list";
import { requirePermission } from "../platform/auth-middleware";
import { actorOf } from "../platform/records";
import { CALL_SORTS, getCall, listCalls, wrapUpCall } from "./call-queries";
import { orgTimeZone } from "../platform/local-time";
import { parseBound } from "./time-range";
import { CALL_ACTIVITY_TYPES, CALL_DIRECTIONS, CALL_STATUSES } from "../../schema";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

export function telephonyScope(c: Context<AppEnv>) {
  const auth = c.get("auth");
  return { db: orgDb(c.env, auth.orgId), orgId: auth.orgId, actor: actorOf(auth, c.get("requestId")) };
}

export const CallSchema = z
  .object({
    id: z.string(),
    providerId: z.string(),
    providerCallId: z.string().openapi({ description: "The provider's call id (Twilio CallSid)" }),
    direction: z.enum(CALL_DIRECTIONS),
    from: z.string().openapi({ description: "E.164 when a phone number" }),
    to: z.string(),
    status: z.enum(CALL_STATUSES),
    agentUserId: z.string().nullable(),
    queueId: z.string().nullable(),
    contactId: z.string().nullable(),
    leadId: z.string().nullable(),
    dealId: z.string().nullable(),
    activityId: z.string().nullable(),
    partyName: z.string().nullable(),
    startedAt: z.number().int(),
    ringingAt: z.number().int().nullable(),
    answeredAt: z.number().int().nullable(),
    endedAt: z.number().int().nullable(),
    ringSeconds: z.number().int(),
    talkSeconds: z.number().int(),
    holdSeconds: z.number().int(),
    durationSeconds: z.number().int(),
    wrapUpSeconds: z.number().int().nullable(),
    wrappedUpAt: z.number().int().nullable(),
    disposition: z.string().nullable(),
    notes: z.string().nullable(),
    recording: z.object({ available: z.boolean(), providerRecordingId: z.string().nullable(), durationSeconds: z.number().int().nullable() }).nullable(),
    version: z.number().int(),
    lastEventAt: z.number().int(),
    createdAt: z.number().int(),
    updatedAt: z.number().int(),
  })
  .openapi("Call");

/**
 * The error responses of a route that acts on a call through the phone
 * system: the standard ones, 409 (`conflict` / `not_configured`) and 502
 * (`provider_error`: the PBX or Twilio refused or could not be reached).
 */
export const providerCallErrors = (conflict: string, providerError: string) => ({
  ...standardErrors,
  409: jsonResponse(ErrorSchema, conflict),
  502: jsonResponse(ErrorSchema, providerError),
});

const CallDetailSchema = CallSchema.extend({
  timeline: z.array(
    z.object({ id: z.string(), type: z.enum(CALL_ACTIVITY_TYPES), at: z.number().int(), actorId: z.string().nullable(), data: z.record(z.string(), z.unknown()) }),
  ),
}).openapi("CallDetail");

const Ref = z.string().min(1).max(64).optional();
const StatusList = z
  .string()
  .optional()
  .transform((v, ctx) => {
    if (!v) return undefined;
    const list = v.split(",").map((s) => s.trim());
    const bad = list.filter((s) => !(CALL_STATUSES as readonly string[]).includes(s));
    if (bad.length) {
      ctx.addIssue({ code: "custom", message: `Unknown status: ${bad.join(", ")}; use ${CALL_STATUSES.join(", ")}` });
      return z.NEVER;
    }
    return list as (typeof CALL_STATUSES)[number][];
  })
  .openapi({ description: "One status or several, comma-separated", type: "string" });

export const DateBound = z
  .string()
  .trim()
  .max(40)
  .optional()
  .openapi({ description: "Epoch ms, ISO 8601 date-time, or YYYY-MM-DD in the organization's time zone (a `to` date includes that day)" });

const ListQuery = z.object({
  ...paginationQuery,
  sort: sortParam(CALL_SORTS, "-startedAt"),
  status: StatusList,
  direction: z.enum(CALL_DIRECTIONS).optional(),
  agentUserId: Ref,
  queueId: Ref,
  contactId: Ref,
  leadId: Ref,
  dealId: Ref,
  providerId: Ref,
  answered: z.enum(["true", "false"]).optional(),
  from: DateBound,
  to: DateBound,
  q: z.string().trim().min(1).max(40).optional().openapi({ description: "Part of the from or to number, or words said in the call (every word, as a prefix, in its transcript)" }),
});

/** The wrap-up body as REST validates it; workflow actions setting a call's fields validate the same way. */
export const WrapUpBody = z
  .object({
    notes: z.string().trim().max(5000).nullable().optional(),
    disposition: z.string().trim().max(100).nullable().optional(),
  })
  .strict()
  .refine((b) => b.notes !== undefined || b.disposition !== undefined, { message: "Send notes or disposition" });

const routes = {
  list: createRoute({
    method: "get", path: "/", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "Call log: filtered, sorted (default newest first) and paginated",
    request: { query: ListQuery },
    responses: { 200: jsonResponse(listEnvelope(CallSchema), "Calls"), ...standardErrors },
  }),
  get: createRoute({
    method: "get", path: "/{id}", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "One call with its timeline (ringing, answered, hold, transfer, ended, notes)",
    request: { params: IdParam },
    responses: { 200: jsonResponse(envelope(CallDetailSchema), "Call"), ...standardErrors },
  }),
  wrapUp: createRoute({
    method: "patch", path: "/{id}", tags, security,
    middleware: [requirePermission("telephony:work")] as const,
    summary: "Wrap-up: notes and disposition (the first after the call ends frees the agent)",
    request: { params: IdParam, ...jsonBody(WrapUpBody) },
    responses: { 200: jsonResponse(envelope(CallDetailSchema), "Call"), ...standardErrors },
  }),
};

export const telephonyCallRoutes = createRouter()
  .openapi(routes.list, async (c) => {
    const q = c.req.valid("query");
    const { db, orgId, actor } = telephonyScope(c);
    const zone = q.from || q.to ? await orgTimeZone(db, orgId) : "UTC";
    const { rows, total } = await listCalls(db, orgId, actor, {
      page: q.page,
      perPage: q.per_page,
      sort: q.sort,
      status: q.status,
      direction: q.direction,
      agentUserId: q.agentUserId,
      queueId: q.queueId,
      contactId: q.contactId,
      leadId: q.leadId,
      dealId: q.dealId,
      providerId: q.providerId,
      answered: q.answered === undefined ? undefined : q.answered === "true",
      from: parseBound(q.from, zone, "from", "from"),
      to: parseBound(q.to, zone, "to", "to"),
      q: q.q,
    });
    return ok(c, rows, { status: 200, meta: metaOf(q.page, q.per_page, total) });
  })
  .openapi(routes.get, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await getCall(db, orgId, actor, c.req.valid("param").id), { status: 200 });
  })
  .openapi(routes.wrapUp, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    return ok(c, await wrapUpCall(c.env, db, orgId, actor, c.req.valid("param").id, c.req.valid("json")), { status: 200 });
  });
