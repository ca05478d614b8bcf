import { createRoute } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonResponse, ok } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { hangUpCall } from "./call-hangup";
import { CallSchema, providerCallErrors, telephonyScope } from "./call-routes";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];

const hangup = createRoute({
  method: "post", path: "/{id}/hangup", tags, security,
  middleware: [requirePermission("telephony:work")] as const,
  summary: "Hang up a live call from the browser (desk-phone PBX calls and Twilio calls)",
  description:
    "Asterisk / FreePBX: ARI `DELETE /ari/channels/{channelId}` on the call's channel. Twilio: `POST /Calls/{sid}` with `Status=completed` " +
    "(and the customer's own leg once an outbound call was held or transferred). Only the call's agent or a manager may hang up. " +
    "The call ends at once (status `completed`, or `canceled` if unanswered) with an `ended` timeline row naming who hung up. " +
    "Errors: `not_found` for another organization's call, `forbidden` for other agents, `conflict` (409) when the call has already ended " +
    "or is a 3CX call, `provider_error` (502) when the PBX refuses.",
  request: { params: IdParam },
  responses: {
    200: jsonResponse(envelope(CallSchema), "The call, ended"),
    ...providerCallErrors("`conflict`: the call has already ended, is a 3CX call, or Twilio refused", "`provider_error`: the PBX refused or could not be reached"),
  },
});

export const telephonyCallControlRoutes = createRouter().openapi(hangup, async (c) => {
  const { db, orgId, actor } = telephonyScope(c);
  return ok(c, await hangUpCall(c.env, db, orgId, actor, c.req.valid("param").id), { status: 200 });
});
