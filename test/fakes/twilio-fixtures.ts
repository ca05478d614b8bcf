import { pcmWav } from "../worker/ai/call-transcript-audio";

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

/**
 * The fake's dual-channel WAV of every recording (GET …/Recordings/{sid}.wav):
 * three seconds of 8 kHz 16-bit PCM as Twilio records a `<Dial>`, the parent
 * leg left and the dialed leg right. The left party speaks from 1.0 to 2.0 s,
 * the right one from 0.1 to 0.9 s and from 2.1 to 2.9 s.
 */
export const fakeRecordingWav = () =>
  pcmWav(
    [
      [{ from: 1.0, to: 2.0, hz: 330 }],
      [
        { from: 0.1, to: 0.9, hz: 440 },
        { from: 2.1, to: 2.9, hz: 550 },
      ],
    ],
    3,
  );

/** The content-length the fake declares for a recording's WAV after POST /__fake/oversize-wav?sid=… (it never sends that much). */
export const FAKE_OVERSIZE_WAV_BYTES = 50 * 1024 * 1024;

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
