import { expect } from "vitest";
import { api, unique, type Account } from "../../helpers";
import { fakeBaseUrl } from "../../fakes/openai-fixtures";

/**
 * Points an organization at the fake OpenAI-compatible server through its own
 * key and base URL (the bring-your-own-key path), with a key of its own so
 * the test's scripted answers and recorded requests are its lane alone.
 */
export async function connectFakeAi(owner: Account, extra: Record<string, unknown> = {}): Promise<string> {
  const key = `sk-test-${unique("ai")}`;
  const res = await api("/api/ai/settings", { method: "PUT", token: owner.token, body: { apiKey: key, baseUrl: fakeBaseUrl(), chatModel: "fake-chat-1", transcribeModel: "fake-whisper-1", ...extra } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return key;
}
