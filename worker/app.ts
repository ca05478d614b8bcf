import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { AppError } from "./lib/errors";
import { apiAuthGuard } from "./middleware/auth";
import { webhookAuthLimit } from "./middleware/webhook-auth-limit";
import { requestContext, securityHeaders } from "./middleware/observability";
import { activityRoutes } from "./routes/activities";
import { agentRoutes } from "./routes/agents";
import { auditLogRoutes } from "./routes/audit-log";
import { docsRoutes } from "./routes/docs";
import { authRoutes } from "./routes/auth";
import { companyRoutes } from "./routes/companies";
import { contactRoutes } from "./routes/contacts";
import { dealRoutes } from "./routes/deals";
import { kanbanRoutes } from "./routes/kanban";
import { leadConversionRoutes } from "./routes/lead-conversion";
import { importRoutes } from "./routes/imports";
import { invitationRoutes } from "./routes/invitations";
import { leadRoutes } from "./routes/leads";
import { organizationRoutes } from "./routes/organizations";
import { pipelineRoutes } from "./routes/pipelines";
import { searchRoutes } from "./routes/search";
import { supportKbRoutes } from "./routes/support-kb";
import { notificationRoutes } from "./routes/notifications";
import { supportAnalyticsRoutes } from "./routes/support-analytics";
import { supportAttachmentRoutes } from "./routes/support-attachments";
import { supportSettingsRoutes } from "./routes/support-settings";
import { supportSlaRoutes } from "./routes/support-sla";
import { supportTeamRoutes } from "./routes/support-teams";
import { supportTicketActionRoutes } from "./routes/support-ticket-actions";
import { supportTicketRoutes } from "./routes/support-tickets";
import { supportViewRoutes } from "./routes/support-views";
import { helpCenterRoutes } from "./routes/help-center";
import { userRoutes } from "./routes/users";
import { telephonyCallRoutes } from "./routes/telephony-calls";
import { telephonyCallControlRoutes } from "./routes/telephony-call-control";
import { telephonyExtensionRoutes } from "./routes/telephony-extensions";
import { telephonyLiveRoutes } from "./routes/telephony-live";
import { telephonyLineRoutes } from "./routes/telephony-line";
import { telephonyProviderRoutes } from "./routes/telephony-providers";
import { telephonyQueueRoutes } from "./routes/telephony-queues";
import { telephony3cxRoutes, telephony3cxTemplateRoutes } from "./routes/telephony-3cx";
import { telephonyPbxRoutes } from "./routes/telephony-pbx";
import { telephonyPbxEventRoutes } from "./routes/telephony-pbx-events";
import { telephonyPbxLinkRoutes } from "./routes/telephony-pbx-link";
import { telephonyRecordingRoutes } from "./routes/telephony-recordings";
import { telephonyTwilioRoutes } from "./routes/telephony-twilio";
import { telephonyTwilioWebhookRoutes } from "./routes/telephony-twilio-webhooks";

const MAX_JSON_BODY = 1024 * 1024;

export const app = new OpenAPIHono<AppEnv>();

app.use("*", requestContext, securityHeaders);
app.use("/api/*", apiAuthGuard, webhookAuthLimit);

/**
 * Endpoints that read their own body format: vendor webhooks (form-encoded, as
 * Twilio and PBXs send them) and file uploads. Each validates its body itself;
 * everything else takes JSON only, at most 1 MiB.
 */
const WEBHOOK_PATHS: RegExp[] = [/^\/api\/telephony\/pbx\/[^/]+\/events$/, /^\/api\/telephony\/3cx\/[^/]+\/journal$/, /^\/api\/telephony\/twilio\/[^/]+\/(voice|status|recording|queue-wait|dial-status|voicemail)$/];
/** Uploads cap their body in the route itself (routes/support-ticket-actions.ts), after the permission check. */
const UPLOAD_PATHS: RegExp[] = [/^\/api\/support\/tickets\/[^/]+\/attachments$/];
/** A vendor webhook is a few KiB of fields; the routes hold tighter limits of their own once the body is read. */
const MAX_WEBHOOK_BODY = 64 * 1024;

const isWebhook = (path: string) => WEBHOOK_PATHS.some((re) => re.test(path));

export function takesRawBody(path: string): boolean {
  return isWebhook(path) || UPLOAD_PATHS.some((re) => re.test(path));
}

app.use("/api/*", async (c, next) => {
  const method = c.req.method;
  if (takesRawBody(c.req.path)) return next();
  if (method === "POST" || method === "PUT" || method === "PATCH") {
    const type = c.req.header("content-type") ?? "";
    // Browsers send `content-length: 0` for a bodiless POST, yet workerd still hands over an empty body stream.
    const declared = c.req.header("content-length");
    const hasBody = declared !== undefined ? Number(declared) > 0 : c.req.raw.body !== null;
    if (!type.startsWith("application/json") && hasBody) {
      throw new AppError("unsupported_media_type", "Send the body as application/json");
    }
  }
  await next();
});
/**
 * hono's bodyLimit refuses a declared Content-Length over the limit unread and
 * counts a chunked body as it streams, so an oversized body is cut off at the
 * limit instead of being buffered whole by the route's own read.
 */
const limitBody = (maxSize: number) =>
  bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError("payload_too_large", `Request body exceeds ${maxSize} bytes`);
    },
  });
const jsonBodyLimit = limitBody(MAX_JSON_BODY);
const webhookBodyLimit = limitBody(MAX_WEBHOOK_BODY);
// CSV imports carry up to 5 MB of CSV and set their own limit (routes/imports.ts).
app.use("/api/*", (c, next) => {
  if (isWebhook(c.req.path)) return webhookBodyLimit(c, next);
  return takesRawBody(c.req.path) || c.req.path === "/api/imports" ? next() : jsonBodyLimit(c, next);
});

app.get("/api/health", (c) => c.json({ success: true, data: { status: "ok", time: new Date().toISOString() } }));

const routes = app
  .route("/api/auth", authRoutes)
  .route("/api/organizations", organizationRoutes)
  .route("/api/invitations", invitationRoutes)
  .route("/api/users", userRoutes)
  .route("/api/audit-log", auditLogRoutes)
  .route("/api/companies", companyRoutes)
  .route("/api/contacts", contactRoutes)
  .route("/api/leads", leadRoutes)
  .route("/api/pipelines", pipelineRoutes)
  .route("/api/activities", activityRoutes)
  .route("/api/search", searchRoutes)
  .route("/api/imports", importRoutes)
  .route("/api/deals", dealRoutes)
  .route("/api/kanban", kanbanRoutes)
  .route("/api/agents", agentRoutes)
  .route("/api/telephony/providers", telephonyProviderRoutes)
  .route("/api/telephony/providers", telephony3cxTemplateRoutes)
  .route("/api/telephony/pbx", telephonyPbxRoutes)
  .route("/api/telephony/pbx", telephonyPbxEventRoutes)
  .route("/api/telephony/pbx", telephonyPbxLinkRoutes)
  .route("/api/telephony/3cx", telephony3cxRoutes)
  .route("/api/telephony/extensions", telephonyExtensionRoutes)
  .route("/api/telephony/queues", telephonyQueueRoutes)
  .route("/api/telephony/calls", telephonyCallRoutes)
  .route("/api/telephony/calls", telephonyRecordingRoutes)
  .route("/api/telephony/calls", telephonyCallControlRoutes)
  .route("/api/telephony/twilio", telephonyTwilioRoutes)
  .route("/api/telephony/twilio", telephonyTwilioWebhookRoutes)
  .route("/api/telephony", telephonyLiveRoutes)
  .route("/api/telephony", telephonyLineRoutes)
  .route("/api/support/knowledge-base", supportKbRoutes)
  .route("/api/support/tickets", supportTicketRoutes)
  .route("/api/support/tickets", supportTicketActionRoutes)
  .route("/api/support/attachments", supportAttachmentRoutes)
  .route("/api/support/teams", supportTeamRoutes)
  .route("/api/support/views", supportViewRoutes)
  .route("/api/support/analytics", supportAnalyticsRoutes)
  .route("/api/support/settings", supportSettingsRoutes)
  .route("/api/support", supportSlaRoutes)
  .route("/api/notifications", notificationRoutes)
  .route("/api/help", helpCenterRoutes)
  .route("/api/leads", leadConversionRoutes);

export type AppType = typeof routes;

app.openAPIRegistry.registerComponent("securitySchemes", "bearerAuth", {
  type: "http",
  scheme: "bearer",
  bearerFormat: "JWT",
});
app.doc31("/api/openapi.json", (c) => ({
  openapi: "3.1.0",
  info: {
    title: "NeuraCRM API",
    version: "0.1.0",
    description:
      "Every response is an envelope: `{success, data, meta?, message?}` or `{success: false, error: {code, message, details?}}`. " +
      "Sign in with /api/auth/login and send `Authorization: Bearer <accessToken>`.",
  },
  servers: [{ url: new URL(c.req.url).origin }],
}));
app.route("/api/docs", docsRoutes);

app.notFound((c) =>
  c.json({ success: false, error: { code: "not_found", message: `No route for ${c.req.method} ${c.req.path}` } }, 404),
);

app.onError((err, c) => {
  if (err instanceof AppError) {
    for (const [k, v] of Object.entries(err.headers ?? {})) c.header(k, v);
    const error: { code: string; message: string; details?: unknown } = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return c.json({ success: false, error }, err.status);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own 4xx, e.g. malformed JSON from the body parser.
    const code = err.status === 400 ? "validation_error" : err.status === 401 ? "unauthorized" : "bad_request";
    return c.json({ success: false, error: { code, message: err.message || "Bad request" } }, err.status);
  }
  console.error(
    JSON.stringify({ level: "error", msg: "unhandled", requestId: c.get("requestId"), err: String(err), stack: (err as Error).stack }),
  );
  return c.json(
    { success: false, error: { code: "internal_error", message: "Something went wrong", requestId: c.get("requestId") } },
    500,
  );
});
