import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./platform/env";
import { AppError } from "./platform/errors";
import { apiAuthGuard } from "./platform/auth-middleware";
import { webhookAuthLimit } from "./platform/webhook-auth-limit";
import { requestContext, securityHeaders } from "./platform/observability";
import { docsRoutes } from "./platform/docs-routes";
import { agentsRoutes } from "./agents";
import { crmRoutes } from "./crm";
import { identityRoutes } from "./identity";
import { notificationsRoutes } from "./notifications";
import { searchRoutes } from "./search";
import { aiRoutes } from "./ai";
import { supportRoutes } from "./support";
import { telephonyRoutes } from "./telephony";
import { insightsRoutes } from "./insights";
import { dashboardRoute } from "./dashboard";
import { forecastRoutes } from "./forecast";
import { scoringNudge, scoringRoutes } from "./scoring";
import { financialRoutes } from "./financial";
import { automationRoutes } from "./automation";

const MAX_JSON_BODY = 1024 * 1024;

export const app = new OpenAPIHono<AppEnv>();

app.use("*", requestContext, securityHeaders);
app.use("/api/*", apiAuthGuard, webhookAuthLimit);
app.use("/api/*", scoringNudge);

/**
 * Endpoints that read their own body format: vendor webhooks (form-encoded, as
 * Twilio and PBXs send them) and file uploads. Each validates its body itself;
 * everything else takes JSON only, at most 1 MiB.
 */
const WEBHOOK_PATHS: RegExp[] = [/^\/api\/telephony\/pbx\/[^/]+\/events$/, /^\/api\/telephony\/3cx\/[^/]+\/journal$/, /^\/api\/telephony\/twilio\/[^/]+\/(voice|status|recording|queue-wait|dial-status|voicemail)$/, /^\/api\/financial\/stripe\/[^/]+\/webhook$/];
/** Uploads cap their body in the route itself (worker/support/tickets/ticket-action-routes.ts), after the permission check. */
const UPLOAD_PATHS: RegExp[] = [/^\/api\/support\/tickets\/[^/]+\/attachments$/, /^\/api\/financial\/settings\/logo$/];
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
// CSV imports carry up to 5 MB of CSV and set their own limit (worker/crm/imports/import-routes.ts).
app.use("/api/*", (c, next) => {
  if (isWebhook(c.req.path)) return webhookBodyLimit(c, next);
  return takesRawBody(c.req.path) || c.req.path === "/api/imports" ? next() : jsonBodyLimit(c, next);
});

app.get("/api/health", (c) => c.json({ success: true, data: { status: "ok", time: new Date().toISOString() } }));

const routes = app
  .route("/api", identityRoutes)
  .route("/api", crmRoutes)
  .route("/api", searchRoutes)
  .route("/api", agentsRoutes)
  .route("/api", telephonyRoutes)
  .route("/api", supportRoutes)
  .route("/api", notificationsRoutes)
  .route("/api", aiRoutes)
  .route("/api", insightsRoutes)
  .route("/api", dashboardRoute)
  .route("/api", forecastRoutes)
  .route("/api", scoringRoutes)
  .route("/api", financialRoutes)
  .route("/api", automationRoutes);

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
