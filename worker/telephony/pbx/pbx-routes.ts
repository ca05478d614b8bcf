import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonBody, jsonResponse, ok } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { clickToCall } from "./pbx-originate";
import { CallSchema, providerCallErrors, telephonyScope } from "../call-routes";

const tags = ["Telephony"];
const security = [{ bearerAuth: [] }];
const Ref = z.string().min(1).max(64).optional();

const ClickToCallBody = z
  .object({
    to: z.string().trim().min(2).max(40).openapi({ description: "The number to call: E.164, national format (organization's country) or an internal extension" }),
    providerId: Ref.openapi({ description: "An Asterisk / FreePBX provider; default the first one you have an extension on" }),
    contactId: Ref,
    leadId: Ref,
    dealId: Ref,
  })
  .strict()
  .openapi("PbxClickToCall");

const originate = createRoute({
  method: "post", path: "/calls", tags, security,
  middleware: [requirePermission("telephony:work")] as const,
  summary: "Click-to-call through Asterisk / FreePBX: rings your extension, then dials `to`",
  description:
    "ARI `POST /ari/channels` with endpoint `<technology>/<your extension>`, extension = `to`, the provider's context, priority 1. " +
    "Answers the new call (status `initiated`); its progress arrives through the dialplan events. " +
    "Errors: `not_configured` (409) without an enabled Asterisk/FreePBX provider, `conflict` (409) when you have no extension on it, " +
    "`provider_error` (502) with Asterisk's own message when the PBX refuses or cannot be reached.",
  request: jsonBody(ClickToCallBody),
  responses: {
    201: jsonResponse(envelope(CallSchema), "The call, as the PBX accepted it"),
    ...providerCallErrors("No Asterisk / FreePBX provider (`not_configured`), or you have no extension on it (`conflict`)", "The PBX refused or could not be reached (`provider_error`)"),
  },
});

export const telephonyPbxRoutes = createRouter().openapi(originate, async (c) => {
  const { db, orgId, actor } = telephonyScope(c);
  return ok(c, await clickToCall(c.env, db, orgId, actor, c.req.valid("json")), { status: 201 });
});
