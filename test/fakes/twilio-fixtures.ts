/**
 * Accounts the fake Twilio REST server (twilio-server.ts) knows. Kept apart
 * from the server so workerd tests can import them without node:http.
 */
export const FAKE_TWILIO = {
  active: { accountSid: `AC${"a1".repeat(16)}`, authToken: "fake-auth-token-active", friendlyName: "NeuraCRM Test Account" },
  suspended: { accountSid: `AC${"b2".repeat(16)}`, authToken: "fake-auth-token-suspended", friendlyName: "Suspended Account" },
} as const;

/** The fake's media for a recording (an ID3-tagged stand-in for an MP3), deterministic per RecordingSid. */
export const fakeRecordingMedia = (recordingSid: string) => `ID3fake-mp3:${recordingSid}:${"x".repeat(200)}`;

/** What the fake Twilio received (GET <fake>/__fake/requests). */
export interface FakeTwilioRequest {
  method: string;
  path: string;
  accountSid: string;
  form: Record<string, string | string[]>;
}

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Twilio REST API, e.g. http://127.0.0.1:40123 (use as apiBaseUrl). */
    twilioFakeUrl: string;
  }
}
