import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { getCall } from "../call-queries";
import { openRecording, removeRecording } from "./call-recordings";
import { telephonyScope } from "../call-routes";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

const routes = {
  play: createRoute({
    method: "get", path: "/{id}/recording", tags, security,
    middleware: [requirePermission("telephony:read")] as const,
    summary: "Play a call's recording (members who may see the call; Range requests supported)",
    request: { params: IdParam },
    responses: {
      200: { description: "The recording (audio/mpeg)", content: { "audio/mpeg": { schema: z.any() } } },
      206: { description: "A byte range of the recording", content: { "audio/mpeg": { schema: z.any() } } },
      ...standardErrors,
    },
  }),
  remove: createRoute({
    method: "delete", path: "/{id}/recording", tags, security,
    middleware: [requirePermission("telephony:manage")] as const,
    summary: "Delete a call's recording from the app; with provider=true, Twilio's original too",
    request: { params: IdParam, query: z.object({ provider: z.enum(["true", "false"]).optional() }) },
    responses: { 200: jsonResponse(envelope(z.object({ id: z.string(), recording: z.unknown() })), "The call without its recording"), ...standardErrors },
  }),
};

export const telephonyRecordingRoutes = createRouter()
  .openapi(routes.play, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    const { object } = await openRecording(c.env, db, orgId, actor, c.req.valid("param").id, c.req.raw.headers);
    const headers = new Headers({
      "content-type": object.httpMetadata?.contentType ?? "audio/mpeg",
      "accept-ranges": "bytes",
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      etag: object.httpEtag,
    });
    const range = object.range;
    if (range && c.req.header("range")) {
      const offset = "offset" in range && range.offset !== undefined ? range.offset : "suffix" in range ? object.size - range.suffix : 0;
      const length = "length" in range && range.length !== undefined ? range.length : object.size - offset;
      headers.set("content-range", `bytes ${offset}-${offset + length - 1}/${object.size}`);
      headers.set("content-length", String(length));
      return new Response(object.body, { status: 206, headers }) as never;
    }
    headers.set("content-length", String(object.size));
    return new Response(object.body, { status: 200, headers }) as never;
  })
  .openapi(routes.remove, async (c) => {
    const { db, orgId, actor } = telephonyScope(c);
    const id = c.req.valid("param").id;
    await removeRecording(c.env, db, orgId, actor, id, c.req.valid("query").provider === "true");
    return ok(c, await getCall(db, orgId, actor, id), { status: 200 });
  });
