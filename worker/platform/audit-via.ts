import { z } from "@hono/zod-openapi";

/**
 * Who acted on a member's behalf, read from an audit row's request id:
 * workflow actions write `workflow:<workflowId>:<runId>`, API-key requests
 * `api_key:<keyId>:<uuid>`; a member's own requests carry a plain id.
 */
export const AuditViaSchema = z
  .discriminatedUnion("kind", [
    z.object({ kind: z.literal("workflow"), workflowId: z.string(), runId: z.string() }),
    z.object({ kind: z.literal("api_key"), keyId: z.string() }),
  ])
  .nullable()
  .openapi("AuditVia", { description: "Set when a workflow or an API key made the change as the actor" });

export type AuditVia = z.infer<typeof AuditViaSchema>;

export function auditVia(requestId: string | null | undefined): AuditVia {
  if (!requestId) return null;
  const [prefix, first, second] = requestId.split(":");
  if (prefix === "workflow" && first && second) return { kind: "workflow", workflowId: first, runId: second };
  if (prefix === "api_key" && first) return { kind: "api_key", keyId: first };
  return null;
}
