import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import type { AppEnv } from "../../platform/env";
import { directoryDb, orgDb } from "../../platform/db";
import { AppError } from "../../platform/errors";
import { createRouter, standardErrors } from "../../platform/http";
import { afterQueueDial, routeQueue, voicemail } from "./twilio-queue";
import { parseState, type RouteContext } from "./twilio-route-state";
import { afterResumeDial } from "./twilio-calls";
import { applyRecordingCallback, applyStatusCallback } from "./twilio-status";
import { goodbye, voiceTwiml } from "./twilio-voice";
import { authenticateTwilio } from "./twilio-webhook";

/**
 * Twilio's webhooks, form-encoded as Twilio sends them, each authenticated
 * by `X-Twilio-Signature` over the exact URL requested (with its query) and
 * the POST parameters (403 before anything is read or written otherwise).
 * TwiML steps answer `text/xml`; callbacks answer 204 once the event is
 * stored, so Twilio retries anything that failed. A `call=<CallSid>` query
 * (our own, inside the signed URL) names the record's call when the leg
 * requesting is not it: an outbound customer leg that was held or
 * transferred, and the legs dialled from it. Every URL built for such a
 * step carries it on.
 */

const MAX_BODY = 64 * 1024;
const tags = ["Telephony: Twilio webhooks"];
export const TWILIO_WEBHOOKS = ["voice", "status", "recording", "queue-wait", "dial-status", "voicemail"] as const;
type Hook = (typeof TWILIO_WEBHOOKS)[number];

/** The absolute URL of one of a provider's webhooks, as Twilio will request (and sign) it. */
export function twilioHook(origin: string, providerId: string, path: string, query?: Record<string, string>) {
  const qs = query && Object.keys(query).length ? `?${new URLSearchParams(query)}` : "";
  return `${origin}/api/telephony/twilio/${encodeURIComponent(providerId)}/${path}${qs}`;
}

const DESCRIPTIONS: Record<Hook, string> = {
  voice: "Voice URL (TwiML app and phone numbers): browser calls out, inbound calls into the queue; answers TwiML",
  status: "Call status callback (parent call; child legs with ?leg=agent|callee)",
  recording: "Recording status callback: copies the recording into the app",
  "queue-wait": "Queue step after a hold pause or a transfer to a queue; answers TwiML",
  "dial-status": "`<Dial action>` after a queue offer (the next agent, a hold or the overflow) or a resume (back on hold if not taken); answers TwiML",
  voicemail: "`<Record action>` after voicemail (or a forward): says goodbye",
};

const route = (hook: Hook) =>
  createRoute({
    method: "post",
    path: `/{providerId}/${hook}`,
    tags,
    summary: DESCRIPTIONS[hook],
    description: "Form-encoded (application/x-www-form-urlencoded) Twilio parameters; requires a valid X-Twilio-Signature.",
    request: { params: z.object({ providerId: z.string().min(1).max(64) }), headers: z.object({ "x-twilio-signature": z.string().optional() }) },
    responses: {
      200: { description: "TwiML", content: { "text/xml": { schema: z.string() } } },
      204: { description: "Callback stored" },
      ...standardErrors,
    },
  });

async function twilioContext(c: Context<AppEnv>): Promise<RouteContext> {
  // Form bodies are text; decoding them ourselves keeps workerd from warning about .text() on a form.
  const body = new TextDecoder().decode(await c.req.arrayBuffer());
  if (body.length > MAX_BODY) throw new AppError("payload_too_large", `Webhook body exceeds ${MAX_BODY} bytes`);
  const providerId = c.req.param("providerId")!;
  const req = await authenticateTwilio(c.env, directoryDb(c.env), providerId, c.req.url, c.req.header("x-twilio-signature"), body);
  const db = orgDb(c.env, req.provider.orgId);
  const origin = new URL(c.req.url).origin;
  const record = c.req.query("call");
  return {
    env: c.env,
    db,
    req,
    callSid: record || (req.params.CallSid ?? ""),
    hook: (path, query) => twilioHook(origin, req.provider.id, path, record ? { ...query, call: record } : query),
  };
}

const twiml = (xml: string) => new Response(xml, { status: 200, headers: { "content-type": "text/xml; charset=utf-8", "cache-control": "no-store" } }) as never;
const stored = () => new Response(null, { status: 204 }) as never;

function requireCallSid(ctx: RouteContext) {
  if (!ctx.callSid) throw new AppError("validation_error", "CallSid is required", { CallSid: ["Required"] });
}

export const telephonyTwilioWebhookRoutes = createRouter()
  .openapi(route("voice"), async (c) => {
    const ctx = await twilioContext(c);
    requireCallSid(ctx);
    return twiml(await voiceTwiml(ctx, c.req.query()));
  })
  .openapi(route("queue-wait"), async (c) => {
    const ctx = await twilioContext(c);
    requireCallSid(ctx);
    const state = parseState(c.req.query());
    return twiml(state ? await routeQueue(ctx, state) : voicemail(ctx));
  })
  .openapi(route("dial-status"), async (c) => {
    const ctx = await twilioContext(c);
    requireCallSid(ctx);
    if (c.req.query("resume") === "1") return twiml(await afterResumeDial(ctx));
    const state = parseState(c.req.query());
    if (state) return twiml(await afterQueueDial(ctx, state));
    const status = ctx.req.params.DialCallStatus;
    return twiml(status === "completed" || status === "answered" ? goodbye(false) : voicemail(ctx));
  })
  .openapi(route("voicemail"), async (c) => {
    await twilioContext(c);
    return twiml(goodbye(c.req.query("forwarded") !== "1"));
  })
  .openapi(route("status"), async (c) => {
    const ctx = await twilioContext(c);
    requireCallSid(ctx);
    const leg = c.req.query("leg");
    await applyStatusCallback(c.env, ctx.db, ctx.req, leg === "agent" || leg === "callee" ? leg : "parent", c.req.query("dial"), c.req.query("call"));
    return stored();
  })
  .openapi(route("recording"), async (c) => {
    const ctx = await twilioContext(c);
    requireCallSid(ctx);
    await applyRecordingCallback(c.env, ctx.req, c.req.query("kind") ?? "call", c.req.query("call"));
    return stored();
  });
