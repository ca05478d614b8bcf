import { inject } from "vitest";
import type { FakeStep, RecordedRequest } from "./openai-fake-lanes";

/**
 * The fake OpenAI-compatible server's (openai-fake.ts) script and inspection
 * API, kept apart from the server so workerd tests can import it without
 * node:http. Each test uses an API key of its own: its lane of scripted
 * answers and recorded requests.
 */

export { FAKE_INVALID_KEY, type FakeStep, type RecordedRequest } from "./openai-fake-lanes";

declare module "vitest" {
  export interface ProvidedContext {
    /** e.g. http://127.0.0.1:40123; the OpenAI-compatible base URL is this plus /v1. */
    openAiFakeUrl: string;
  }
}

export const fakeBaseUrl = (root = inject("openAiFakeUrl")) => `${root}/v1`;

/** Queues what the "model" answers next on this key's lane. */
export async function scriptFake(key: string, steps: FakeStep[], root = inject("openAiFakeUrl")) {
  const res = await fetch(`${root}/__script`, { method: "POST", body: JSON.stringify({ key, steps }) });
  if (!res.ok) throw new Error(`fake script failed: ${res.status}`);
}

/** Every request the Worker sent on this key's lane, oldest first. */
export async function fakeRequests(key: string, root = inject("openAiFakeUrl")): Promise<RecordedRequest[]> {
  const res = await fetch(`${root}/__requests?key=${encodeURIComponent(key)}`);
  return (await res.json()) as RecordedRequest[];
}
