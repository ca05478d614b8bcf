/**
 * What the fake Mailgun server (email-api-server.ts) accepts. Kept apart from
 * the server so workerd tests can import it without node:http.
 */
export const FAKE_MAILGUN = {
  domain: "mg.neuracrm.test",
  apiKey: "key-fake-mailgun-0123456789",
  /** Recipients at this domain are refused with Mailgun's 400 error body. */
  refusedDomain: "bounce.example",
} as const;

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Mailgun API, e.g. http://127.0.0.1:40123; messages.mime lives at /v3/<domain>/messages.mime. */
    emailApiFakeUrl: string;
  }
}
