import type { TestProject } from "vitest/node";
import { startOpenAiFake } from "./openai-fake";

/** Vitest global setup: the fake OpenAI-compatible server for every workerd test file (`inject("openAiFakeUrl")`). */
export default async function setup(project: TestProject) {
  const fake = await startOpenAiFake();
  project.provide("openAiFakeUrl", fake.url);
  return fake.close;
}
