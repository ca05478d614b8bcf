/** What a test scripts on, and reads back from, its lane of the fake OpenAI-compatible server (openai-fake.ts). */

export type FakeStep =
  /** `delayMs`: a pause before each streamed piece, so a test can stop an answer midway. */
  | { text: string; delayMs?: number }
  | { toolCalls: { name: string; arguments: Record<string, unknown> }[] }
  | { error: { status: number; message: string } }
  | { transcript: { text: string; language?: string; duration: number; segments: { start: number; end: number; text: string }[] } };

export interface RecordedRequest {
  path: string;
  headers: Record<string, string>;
  /** The JSON body, or for multipart uploads the form's text fields plus `file: {name, type, size}`. */
  body: Record<string, unknown>;
}

/** The fake answers 401 with OpenAI's `invalid_api_key` error to this key. */
export const FAKE_INVALID_KEY = "sk-fake-invalid";
