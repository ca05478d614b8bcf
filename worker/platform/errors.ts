import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ERROR_STATUS, type ErrorCode } from "../../schema/envelope";

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
    this.status = ERROR_STATUS[code];
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
