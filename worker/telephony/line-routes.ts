import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { softphoneLine } from "./softphone-line";
import { telephonyScope } from "./call-routes";

const LineSchema = z
  .object({
    mode: z.enum(["twilio", "pbx", "none"]).openapi({ description: "`twilio`: the browser is the phone (ask POST /api/telephony/twilio/token); `pbx`: click-to-call rings your desk phone; `none`: no line" }),
    providerId: z.string().optional().openapi({ description: "The provider of the line (twilio, pbx)" }),
    extension: z.string().optional().openapi({ description: "Your extension on the PBX (pbx)" }),
    reason: z.enum(["no_provider", "no_extension"]).optional().openapi({ description: "Why there is no line (none): no enabled provider, or a PBX without an extension for you" }),
  })
  .openapi("SoftphoneLine");

const line = createRoute({
  method: "get", path: "/line", tags: ["Telephony"], security: [{ bearerAuth: [] }],
  middleware: [requirePermission("telephony:work")] as const,
  summary: "Your softphone's line: Twilio in the browser, your desk phone, or none and why",
  description: "What the browser's softphone reads first, so it requests a Twilio voice token only when the organization has Twilio.",
  responses: { 200: jsonResponse(envelope(LineSchema), "Your line"), ...standardErrors },
});

export const telephonyLineRoutes = createRouter().openapi(line, async (c) => {
  const { db, orgId, actor } = telephonyScope(c);
  return ok(c, await softphoneLine(db, orgId, actor.userId), { status: 200 });
});
