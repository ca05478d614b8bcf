import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, jsonBody, jsonResponse, ok, standardErrors } from "../platform/http";
import { requirePermission } from "../platform/auth-middleware";
import { getSupportSettings, settingsView, updateSupportSettings } from "./support-settings";
import { SECURITY, supportScope } from "./tickets/ticket-schemas";
import { SENTIMENT_MODEL_CHOICES } from "../../schema";

const EscalationRuleSchema = z
  .object({
    enabled: z.boolean(),
    threshold: z.number().min(-1).max(0).openapi({ example: -0.3, description: "Escalate when the conversation's rolled-up sentiment falls to or below this (-1…0)" }),
    raisePriority: z.boolean().openapi({ description: "Raise the ticket's priority one level" }),
    notifyTeamLead: z.boolean().openapi({ description: "Notify the lead of the ticket's team" }),
  })
  .strict()
  .openapi("SentimentEscalationRule");

const SettingsSchema = z
  .object({
    inboundAddress: z.string().openapi({ example: "support+acme@inbound.neuracrm.local", description: "Mail sent here becomes tickets of this organization" }),
    inboundLocalPart: z.string(),
    fromName: z.string().nullable(),
    fromAddress: z.string().nullable(),
    outbound: z.object({ configured: z.boolean(), provider: z.string().nullable(), message: z.string().nullable() }),
    sentimentModel: z.enum(SENTIMENT_MODEL_CHOICES).openapi({
      description: "Who judges customer messages: the embedded model (inline), Workers AI or the organization's chat model (after the write; the embedded model judges when they are unavailable)",
    }),
    sentimentEscalation: EscalationRuleSchema,
  })
  .openapi("SupportSettings");

const routes = {
  get: createRoute({
    method: "get",
    path: "/",
    tags: ["Support settings"],
    security: SECURITY,
    summary: "The organization's inbound support address, outbound sender status and sentiment settings",
    middleware: [requirePermission("tickets:read")] as const,
    responses: { 200: jsonResponse(envelope(SettingsSchema), "Settings"), ...standardErrors },
  }),
  update: createRoute({
    method: "patch",
    path: "/",
    tags: ["Support settings"],
    security: SECURITY,
    summary: "Change the inbound local part, the sender name/address, the sentiment model or the escalation rule (managers)",
    middleware: [requirePermission("support:manage")] as const,
    request: jsonBody(
      z
        .object({
          inboundLocalPart: z.string().trim().min(1).max(64),
          fromName: z.string().trim().max(100).nullable(),
          fromAddress: z.email().max(254).nullable(),
          sentimentModel: z.enum(SENTIMENT_MODEL_CHOICES),
          sentimentEscalation: EscalationRuleSchema,
        })
        .partial()
        .strict(),
    ),
    responses: { 200: jsonResponse(envelope(SettingsSchema), "Saved"), 409: jsonResponse(z.any(), "Address taken"), ...standardErrors },
  }),
};

export const supportSettingsRoutes = createRouter()
  .openapi(routes.get, async (c) => {
    const { db, orgId } = supportScope(c);
    return ok(c, settingsView(c.env, await getSupportSettings(db, orgId)));
  })
  .openapi(routes.update, async (c) => {
    const { db, orgId, actor } = supportScope(c);
    return ok(c, settingsView(c.env, await updateSupportSettings(db, orgId, actor, c.req.valid("json"))));
  });
