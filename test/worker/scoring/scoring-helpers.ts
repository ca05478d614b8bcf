import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../../worker/index";
import type { Job } from "../../../worker/platform/job-queue";
import { newId } from "../../../worker/platform/ids";
import { leads } from "../../../schema";
import { testDb } from "../../record-helpers";

/** Runs jobs through the Worker's queue consumer, as Cloudflare delivers them. */
export async function runJobs(...bodies: Job[]) {
  const batch = createMessageBatch<Job>("neuracrm-jobs", bodies.map((body, i) => ({ id: `m${i}`, timestamp: new Date(), attempts: 1, body })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

const HOUR = 3_600_000;

/**
 * Closed leads written straight into D1, an hour apart (the newest last), with
 * outcomes that follow their source and email: referrals and corporate
 * addresses convert. `holdoutTag` marks, among the newest fifth, the leads
 * that converted, whatever their source: a pattern only a model that saw the
 * holdout could know.
 */
export async function closedLeads(orgId: string, ownerId: string, n: number, opts: { holdoutTag?: string } = {}) {
  const now = Date.now();
  const holdoutFrom = n - Math.round(n * 0.2);
  const rows = Array.from({ length: n }, (_, i) => {
    const referral = i % 3 === 0;
    const corporate = i % 2 === 0;
    const inHoldout = i >= holdoutFrom;
    const converted = opts.holdoutTag && inHoldout ? i % 4 < 2 : referral || (corporate && i % 5 === 0);
    const at = now - (n - i) * HOUR;
    return {
      id: newId(),
      orgId,
      ownerId,
      firstName: `Closed${i}`,
      lastName: "Lead",
      email: corporate ? `c${i}@acme-${i}.example` : `c${i}@gmail.com`,
      source: referral ? "Referral" : "Web",
      status: converted ? ("converted" as const) : ("unqualified" as const),
      convertedAt: converted ? at : null,
      tags: opts.holdoutTag && inHoldout && converted ? [opts.holdoutTag] : [],
      createdAt: at - 24 * HOUR,
      updatedAt: at,
    };
  });
  for (let i = 0; i < rows.length; i += 5) await testDb().insert(leads).values(rows.slice(i, i + 5));
  return rows;
}
