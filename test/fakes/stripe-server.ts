import type { TestProject } from "vitest/node";
import { startStripeFake } from "./stripe-fake";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Stripe API, e.g. http://127.0.0.1:40123 (a connection's apiBaseUrl). */
    stripeFakeUrl: string;
  }
}

/** Vitest global setup: the fake Stripe API for every workerd test file (`inject("stripeFakeUrl")`). */
export default async function setup(project: TestProject) {
  const fake = await startStripeFake();
  project.provide("stripeFakeUrl", fake.url);
  return fake.close;
}
