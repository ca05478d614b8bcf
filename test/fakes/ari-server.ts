import type { TestProject } from "vitest/node";
import { startFakeAri } from "./ari-http";

/**
 * vitest globalSetup: the fake Asterisk ARI server (ari-http.ts) for the
 * whole run; tests read its URL with `inject("ariFakeUrl")`.
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Asterisk ARI server, e.g. http://127.0.0.1:40124 (the provider's baseUrl). */
    ariFakeUrl: string;
  }
}

export default async function setup(project: TestProject) {
  const fake = await startFakeAri();
  project.provide("ariFakeUrl", fake.url);
  return fake.close;
}
