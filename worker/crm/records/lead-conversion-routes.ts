import { createRoute, z } from "@hono/zod-openapi";
import { createRouter, envelope, IdParam, jsonBody, jsonResponse, ok, standardErrors } from "../../platform/http";
import { requirePermission } from "../../platform/auth-middleware";
import { convertLead } from "./lead-conversion";
import { DealSchema } from "../deals/deal-routes";

const Id = z.string().min(1).max(64);

const convertRoute = createRoute({
  method: "post",
  path: "/{id}/convert",
  tags: ["Leads"],
  security: [{ bearerAuth: [] }],
  summary: "Convert a lead into a contact (and company) plus a deal, in one step",
  description:
    "Reuses a contact with the lead's email and a company with its company name. The lead stays, marked converted, " +
    "and its activities are linked to the new records. Send `deal: null` to convert without a deal.",
  middleware: [requirePermission("records:write")] as const,
  request: {
    params: IdParam,
    ...jsonBody(
      z
        .object({
          companyId: Id.nullable().optional(),
          contactId: Id.optional(),
          deal: z
            .object({
              title: z.string().trim().min(1).max(200).optional(),
              amount: z.number().finite().min(0).max(1e15).optional(),
              currency: z.string().regex(/^[A-Z]{3}$/).optional(),
              pipelineId: Id.optional(),
              stageId: Id.optional(),
              closeDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable().optional(),
            })
            .strict()
            .nullable()
            .optional(),
        })
        .strict(),
    ),
  },
  responses: {
    200: jsonResponse(
      envelope(z.object({ contactId: z.string(), companyId: z.string().nullable(), deal: DealSchema.nullable(), lead: z.record(z.string(), z.unknown()) })),
      "Converted",
    ),
    ...standardErrors,
    409: jsonResponse(z.any(), "Already converted"),
  },
});

export const leadConversionRoutes = createRouter().openapi(convertRoute, async (c) =>
  ok(c, await convertLead(c.env, c.get("auth"), c.req.valid("param").id, c.req.valid("json"), c.get("requestId"))),
);
