import type { ContentfulStatusCode } from "hono/utils/http-status";

export type ErrorCode =
  | "validation_error"
  | "unauthorized"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "rate_limited"
  | "payload_too_large"
  | "unsupported_media_type"
  | "not_configured"
  | "provider_error"
  | "outbound_blocked"
  | "internal_error";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  validation_error: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  not_configured: 503,
  /** An outside service (PBX, Twilio, email API) refused, could not be reached, or answered more than we read. */
  provider_error: 502,
  /** The configured URL is one the Worker must not contact (worker/platform/outbound-fetch.ts): the setting needs changing. */
  outbound_blocked: 422,
};

/** The one error type of the API: services throw it, `onError` turns it into the envelope. */
export class AppError extends Error {
  readonly status: ContentfulStatusCode;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}

export const notFound = (what = "Resource") => new AppError("not_found", `${what} not found`);
export const forbidden = (message = "You do not have permission to do this") =>
  new AppError("forbidden", message);
export const unauthorized = (message = "Authentication required") =>
  new AppError("unauthorized", message);
export const conflict = (message: string, details?: unknown) => new AppError("conflict", message, details);
export const invalid = (details: Record<string, string[]>, message = "Invalid input") =>
  new AppError("validation_error", message, details);

/**
 * `not_configured` for a feature the organization has not set up (no
 * provider, no phone number): 409, since the request is fine and the
 * organization's setup is what is missing. A server missing its own secrets
 * stays 503.
 */
export const setupMissing = (message: string) => {
  const error = new AppError("not_configured", message);
  (error as { status: number }).status = 409;
  return error;
};
