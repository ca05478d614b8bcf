/**
 * Accounts the fake Twilio REST server (twilio-server.ts) knows. Kept apart
 * from the server so workerd tests can import them without node:http.
 */
export const FAKE_TWILIO = {
  active: { accountSid: `AC${"a1".repeat(16)}`, authToken: "fake-auth-token-active", friendlyName: "NeuraCRM Test Account" },
  suspended: { accountSid: `AC${"b2".repeat(16)}`, authToken: "fake-auth-token-suspended", friendlyName: "Suspended Account" },
} as const;

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Twilio REST API, e.g. http://127.0.0.1:40123 (use as apiBaseUrl). */
    twilioFakeUrl: string;
  }
}
