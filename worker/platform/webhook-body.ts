import type { z } from "@hono/zod-openapi";
import { AppError, invalid } from "./errors";
import { fieldErrors } from "./http";

/**
 * A vendor webhook's body, JSON or form-encoded (what PBXs and `curl --data`
 * send), checked against `schema`; every other shape is a clear 4xx.
 */
export function parseWebhookBody<T extends z.ZodTypeAny>(
  schema: T,
  contentType: string,
  raw: string,
  { what, maxBytes = 16 * 1024 }: { what: string; maxBytes?: number },
): z.infer<T> {
  if (raw.length > maxBytes) throw new AppError("payload_too_large", `${what} are at most ${maxBytes} bytes`);
  let fields: unknown;
  if (contentType.startsWith("application/json")) {
    try {
      fields = JSON.parse(raw);
    } catch {
      throw invalid({ _: ["Malformed JSON"] });
    }
  } else if (contentType.startsWith("application/x-www-form-urlencoded")) {
    fields = Object.fromEntries(new URLSearchParams(raw));
  } else {
    throw new AppError("unsupported_media_type", `Send ${what.toLowerCase()} as application/json or application/x-www-form-urlencoded`);
  }
  const parsed = schema.safeParse(fields);
  if (!parsed.success) throw invalid(fieldErrors(parsed.error));
  return parsed.data;
}
