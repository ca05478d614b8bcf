import type { TestProject } from "vitest/node";
import { startWebhookReceiver } from "./webhook-receiver";

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the local webhook receiver, e.g. http://127.0.0.1:40127 (test/fakes/webhook-receiver.ts). */
    webhookReceiverUrl: string;
  }
}

/** Vitest global setup: the signature-checking webhook receiver for every workerd test file (`inject("webhookReceiverUrl")`). */
export default async function setup(project: TestProject) {
  const receiver = await startWebhookReceiver();
  project.provide("webhookReceiverUrl", receiver.url);
  return receiver.close;
}
