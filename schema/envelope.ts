/**
 * The API's response envelope and error codes, as every route answers and the
 * web client reads them: `{success: true, data, meta?, message?}` or
 * `{success: false, error: {code, message, details?}}`.
 */
export const ERROR_STATUS = {
  validation_error: 400,
  /** A signed webhook whose signature is missing, wrong, or made with another secret. */
  invalid_signature: 400,
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
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** Pagination of a list answer. */
export interface ListMeta {
  page: number;
  per_page: number;
  total: number;
}

export interface SuccessEnvelope<T> {
  success: true;
  data: T;
  meta?: ListMeta;
  message?: string;
}

export interface ErrorEnvelope {
  success: false;
  error: { code: ErrorCode; message: string; details?: unknown; requestId?: string };
}

export type Envelope<T> = SuccessEnvelope<T> | ErrorEnvelope;
