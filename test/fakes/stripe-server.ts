import type { TestProject } from "vitest/node";
import { startStripeFake } from "./stripe-fake";
import "./stripe-fixtures";

/** Vitest global setup: the fake Stripe API for every workerd test file (`inject("stripeFakeUrl")`). */
export default async function setup(project: TestProject) {
  const fake = await startStripeFake();
  project.provide("stripeFakeUrl", fake.url);
  return fake.close;
}
