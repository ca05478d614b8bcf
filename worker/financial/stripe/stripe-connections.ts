import { and, desc, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { decryptJson, encryptJson } from "../../platform/crypto";
import { invalid, notFound, setupMissing } from "../../platform/errors";
import { newId } from "../../platform/ids";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { stripeConnections, type StripePublicConfig } from "../../../schema";
import { stripeApiBase, stripeClient, type StripeEnv } from "./stripe-client";

/**
 * An organization's own Stripe account: its secret key and webhook signing
 * secret sealed like the telephony credentials (AES-GCM bound to the
 * connection's id), never answered again; saving calls nobody. The newest
 * enabled connection is the one pay links use.
 */

export type StripeConnectionRow = typeof stripeConnections.$inferSelect;
export interface StripeSecrets {
  secretKey: string;
  webhookSecret: string;
}
type Keys = Pick<Env, "ENCRYPTION_KEY"> & StripeEnv;

export const SECRET_KEY_PATTERN = /^(sk|rk)_(test|live)_[A-Za-z0-9_]{6,240}$/;
export const WEBHOOK_SECRET_PATTERN = /^whsec_[A-Za-z0-9_+/=]{6,240}$/;

/** The events to enable on the Stripe webhook endpoint (Dashboard → Developers → Webhooks). */
export const STRIPE_WEBHOOK_EVENTS = [
  "checkout.session.completed",
  "checkout.session.async_payment_succeeded",
  "checkout.session.async_payment_failed",
  "payment_intent.succeeded",
  "payment_intent.payment_failed",
  "charge.succeeded",
  "charge.refunded",
  "charge.dispute.created",
] as const;

const sealContext = (id: string) => `stripe_connection:${id}`;

export const webhookUrlOf = (origin: string, id: string) => `${origin.replace(/\/+$/, "")}/api/financial/stripe/${encodeURIComponent(id)}/webhook`;

export async function connectionSecrets(env: Pick<Env, "ENCRYPTION_KEY">, row: StripeConnectionRow): Promise<StripeSecrets> {
  return decryptJson<StripeSecrets>(env.ENCRYPTION_KEY, { ciphertext: row.configCiphertext, iv: row.configIv }, sealContext(row.id));
}

/** The SDK for a connection, with its own key and API base. */
export async function connectionClient(env: Keys, row: StripeConnectionRow) {
  const { secretKey } = await connectionSecrets(env, row);
  return stripeClient(env, secretKey, row.publicConfig);
}

/** What the API answers about a connection: never a secret, only the key's mode and last 4 characters. */
export function connectionView(row: StripeConnectionRow, origin: string) {
  return {
    id: row.id,
    name: row.name,
    enabled: row.enabled,
    livemode: row.livemode,
    keyLast4: row.keyLast4,
    accountId: row.accountId,
    apiBaseUrl: row.publicConfig.apiBaseUrl ?? null,
    lastTest: row.lastTestedAt ? { status: row.lastTestStatus, message: row.lastTestMessage, at: row.lastTestedAt } : null,
    lastEventAt: row.lastEventAt,
    webhookUrl: webhookUrlOf(origin, row.id),
    webhookEvents: [...STRIPE_WEBHOOK_EVENTS],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
export type StripeConnectionView = ReturnType<typeof connectionView>;

export async function requireConnection(db: Db, orgId: string, id: string): Promise<StripeConnectionRow> {
  const row = await db.select().from(stripeConnections).where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.id, id))).get();
  if (!row) throw notFound("Stripe connection");
  return row;
}

export async function listConnections(db: Db, orgId: string) {
  return db.select().from(stripeConnections).where(eq(stripeConnections.orgId, orgId)).orderBy(desc(stripeConnections.createdAt), desc(stripeConnections.id));
}

/** The connection pay links use: the newest enabled one; `not_configured` without one. */
export async function activeConnection(db: Db, orgId: string): Promise<StripeConnectionRow> {
  const row = await db
    .select()
    .from(stripeConnections)
    .where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.enabled, true)))
    .orderBy(desc(stripeConnections.createdAt), desc(stripeConnections.id))
    .get();
  if (!row) throw setupMissing("Stripe is not connected: connect a Stripe account in Settings → Billing first");
  return row;
}

function assertApiBase(env: StripeEnv, apiBaseUrl: string | undefined) {
  if (apiBaseUrl === undefined) return;
  try {
    stripeApiBase(env, { apiBaseUrl });
  } catch (err) {
    throw invalid({ apiBaseUrl: [(err as Error).message] }, "Stripe's API base must be an address NeuraCRM may call");
  }
}

const modeOf = (secretKey: string) => ({ livemode: secretKey.includes("_live_"), keyLast4: secretKey.slice(-4) });

export interface ConnectionInput {
  name?: string;
  secretKey: string;
  webhookSecret: string;
  apiBaseUrl?: string;
}

export async function createConnection(env: Keys, db: Db, orgId: string, actor: Actor, input: ConnectionInput): Promise<StripeConnectionRow> {
  assertApiBase(env, input.apiBaseUrl);
  const id = newId();
  const sealed = await encryptJson(env.ENCRYPTION_KEY, { secretKey: input.secretKey, webhookSecret: input.webhookSecret } satisfies StripeSecrets, sealContext(id));
  const now = Date.now();
  const publicConfig: StripePublicConfig = input.apiBaseUrl ? { apiBaseUrl: input.apiBaseUrl.replace(/\/+$/, "") } : {};
  const row: StripeConnectionRow = {
    id,
    orgId,
    name: input.name?.trim() || "Stripe",
    configCiphertext: sealed.ciphertext,
    configIv: sealed.iv,
    publicConfig,
    ...modeOf(input.secretKey),
    accountId: null,
    enabled: true,
    lastTestStatus: null,
    lastTestMessage: null,
    lastTestedAt: null,
    lastEventAt: null,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(stripeConnections).values(row),
    auditStatement(db, orgId, { actorId: actor.userId, action: "create", entity: "stripe_connection", entityId: id, changes: { name: row.name, livemode: row.livemode, keyLast4: row.keyLast4 }, requestId: actor.requestId }),
  ]);
  return row;
}

export interface ConnectionPatch {
  name?: string;
  enabled?: boolean;
  secretKey?: string;
  webhookSecret?: string;
  /** null goes back to api.stripe.com. */
  apiBaseUrl?: string | null;
}

/**
 * Renames, enables or rotates keys. A new API base needs the secret key in
 * the same request: whoever redirects the key must already know it.
 */
export async function updateConnection(env: Keys, db: Db, orgId: string, actor: Actor, id: string, patch: ConnectionPatch): Promise<StripeConnectionRow> {
  const before = await requireConnection(db, orgId, id);
  const values: Partial<StripeConnectionRow> = { updatedAt: Date.now() };
  const changed: string[] = [];
  if (patch.name !== undefined) (values.name = patch.name.trim()), changed.push("name");
  if (patch.enabled !== undefined) (values.enabled = patch.enabled), changed.push("enabled");
  const newBase = patch.apiBaseUrl === undefined ? undefined : patch.apiBaseUrl?.replace(/\/+$/, "") ?? null;
  if (newBase !== undefined && newBase !== (before.publicConfig.apiBaseUrl ?? null)) {
    if (!patch.secretKey) throw invalid({ secretKey: ["Required again: the API base changed, and the key only goes to a new address when it is sent with it"] }, "Changing apiBaseUrl needs the secret key again");
    assertApiBase(env, newBase ?? undefined);
    values.publicConfig = newBase ? { apiBaseUrl: newBase } : {};
    changed.push("apiBaseUrl");
  }
  if (patch.secretKey !== undefined || patch.webhookSecret !== undefined) {
    const saved = await connectionSecrets(env, before);
    const next: StripeSecrets = { secretKey: patch.secretKey ?? saved.secretKey, webhookSecret: patch.webhookSecret ?? saved.webhookSecret };
    const sealed = await encryptJson(env.ENCRYPTION_KEY, next, sealContext(id));
    Object.assign(values, { configCiphertext: sealed.ciphertext, configIv: sealed.iv, ...modeOf(next.secretKey) });
    if (patch.secretKey !== undefined) Object.assign(values, { accountId: null, lastTestStatus: null, lastTestMessage: null, lastTestedAt: null }), changed.push("secretKey");
    if (patch.webhookSecret !== undefined) changed.push("webhookSecret");
  }
  const [updated] = await db.batch([
    db.update(stripeConnections).set(values).where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.id, id))).returning(),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "stripe_connection", entityId: id, changes: { fields: changed }, requestId: actor.requestId }),
  ]);
  if (!updated[0]) throw notFound("Stripe connection");
  return updated[0];
}

export async function deleteConnection(db: Db, orgId: string, actor: Actor, id: string) {
  const before = await requireConnection(db, orgId, id);
  await db.batch([
    db.delete(stripeConnections).where(and(eq(stripeConnections.orgId, orgId), eq(stripeConnections.id, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "delete", entity: "stripe_connection", entityId: id, changes: { name: before.name, keyLast4: before.keyLast4 }, requestId: actor.requestId }),
  ]);
}
