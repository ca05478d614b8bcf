import { and, desc, eq } from "drizzle-orm";
import type { Env } from "../../platform/env";
import { decryptJson, encryptJson, timingSafeEqual } from "../../platform/crypto";
import type { Db } from "../../platform/db";
import { invalid, notFound } from "../../platform/errors";
import { fieldErrors } from "../../platform/http";
import { newId, randomToken, sha256 } from "../../platform/ids";
import { callQueues, telephonyProviders, type ProviderType } from "../../../schema";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { publicPart, redactedCredentials, validateConfig, type ProviderSecrets } from "./provider-config";
import { assertProviderUrls, assertSecretsResent } from "./provider-urls";

export type ProviderRow = typeof telephonyProviders.$inferSelect;
type Keys = Pick<Env, "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK">;

/** Additional data bound into each provider's ciphertext (see worker/platform/crypto.ts). */
const sealContext = (providerId: string) => `telephony_provider:${providerId}`;

export interface ProviderInput {
  type: ProviderType;
  name: string;
  config: unknown;
  enabled?: boolean;
  defaultQueueId?: string | null;
}

export interface ProviderPatch {
  name?: string;
  config?: Record<string, unknown>;
  enabled?: boolean;
  defaultQueueId?: string | null;
}

function parseConfig(type: ProviderType, config: unknown): Record<string, unknown> {
  const parsed = validateConfig(type, config);
  if (!parsed.success) {
    const details = Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([k, v]) => [`config.${k}`, v]));
    throw invalid(details);
  }
  return parsed.data as Record<string, unknown>;
}

async function assertQueue(db: Db, orgId: string, queueId: string | null | undefined) {
  if (!queueId) return;
  const row = await db.select({ id: callQueues.id }).from(callQueues).where(and(eq(callQueues.orgId, orgId), eq(callQueues.id, queueId))).get();
  if (!row) throw invalid({ defaultQueueId: ["No such queue in this organization"] });
}

/** The provider's decrypted secrets (credentials plus our webhook secret), for integrations only; never answered. */
export async function providerSecrets(env: Keys, provider: ProviderRow): Promise<ProviderSecrets> {
  return decryptJson<ProviderSecrets>(env.ENCRYPTION_KEY, { ciphertext: provider.configCiphertext, iv: provider.configIv }, sealContext(provider.id));
}

/** What the API answers about a provider: public settings and which credentials are set. */
export async function providerView(env: Keys, provider: ProviderRow) {
  const secrets = await providerSecrets(env, provider);
  return {
    id: provider.id,
    type: provider.type,
    name: provider.name,
    enabled: provider.enabled,
    defaultQueueId: provider.defaultQueueId,
    config: provider.publicConfig,
    credentials: redactedCredentials(provider.type, secrets),
    lastTest: provider.lastTestedAt
      ? { status: provider.lastTestStatus, message: provider.lastTestMessage, at: provider.lastTestedAt }
      : null,
    createdAt: provider.createdAt,
    updatedAt: provider.updatedAt,
  };
}

export async function findProvider(db: Db, orgId: string, id: string): Promise<ProviderRow | undefined> {
  return db.select().from(telephonyProviders).where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id))).get();
}

export async function requireProvider(db: Db, orgId: string, id: string): Promise<ProviderRow> {
  const row = await findProvider(db, orgId, id);
  if (!row) throw notFound("Provider");
  return row;
}

export async function listProviders(env: Keys, db: Db, orgId: string) {
  const rows = await db.select().from(telephonyProviders).where(eq(telephonyProviders.orgId, orgId)).orderBy(desc(telephonyProviders.createdAt));
  return Promise.all(rows.map((r) => providerView(env, r)));
}

/**
 * Creates a provider. The answer is the redacted view plus `webhookSecret`,
 * shown this once: PBXs and 3CX present it when they call us.
 */
export async function createProvider(env: Keys, db: Db, orgId: string, actor: Actor, input: ProviderInput) {
  const config = parseConfig(input.type, input.config);
  assertProviderUrls(env, input.type, config);
  await assertQueue(db, orgId, input.defaultQueueId);
  const id = newId();
  const webhookSecret = randomToken(32);
  const sealed = await encryptJson(env.ENCRYPTION_KEY, { ...config, webhookSecret }, sealContext(id));
  const now = Date.now();
  const row: ProviderRow = {
    id,
    orgId,
    type: input.type,
    name: input.name.trim(),
    configCiphertext: sealed.ciphertext,
    configIv: sealed.iv,
    publicConfig: publicPart(input.type, config),
    webhookSecretHash: await sha256(webhookSecret),
    defaultQueueId: input.defaultQueueId ?? null,
    enabled: input.enabled ?? true,
    lastTestStatus: null,
    lastTestMessage: null,
    lastTestedAt: null,
    createdBy: actor.userId,
    createdAt: now,
    updatedAt: now,
  };
  await db.batch([
    db.insert(telephonyProviders).values(row),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "create",
      entity: "telephony_provider",
      entityId: id,
      changes: { type: row.type, name: row.name },
      requestId: actor.requestId,
    }),
  ]);
  return { ...(await providerView(env, row)), webhookSecret };
}

/**
 * Changes a provider. `config` is merged over the stored one, so secrets left
 * out keep their saved values; a field set to null is removed (an optional
 * one falls back to its default); the merged config is validated whole.
 */
export async function updateProvider(env: Keys, db: Db, orgId: string, actor: Actor, id: string, patch: ProviderPatch) {
  const before = await requireProvider(db, orgId, id);
  const values: Partial<ProviderRow> = { updatedAt: Date.now() };
  const changed: string[] = [];
  if (patch.name !== undefined) {
    values.name = patch.name.trim();
    changed.push("name");
  }
  if (patch.enabled !== undefined) {
    values.enabled = patch.enabled;
    changed.push("enabled");
  }
  if (patch.defaultQueueId !== undefined) {
    await assertQueue(db, orgId, patch.defaultQueueId);
    values.defaultQueueId = patch.defaultQueueId;
    changed.push("defaultQueueId");
  }
  if (patch.config !== undefined) {
    const { webhookSecret, ...saved } = await providerSecrets(env, before);
    const merged: Record<string, unknown> = { ...saved, ...patch.config };
    for (const [key, value] of Object.entries(patch.config)) if (value === null) delete merged[key];
    const config = parseConfig(before.type, merged);
    assertSecretsResent(before.type, saved, config, patch.config);
    assertProviderUrls(env, before.type, config);
    const sealed = await encryptJson(env.ENCRYPTION_KEY, { ...config, webhookSecret }, sealContext(id));
    values.configCiphertext = sealed.ciphertext;
    values.configIv = sealed.iv;
    values.publicConfig = publicPart(before.type, config);
    // A new configuration has not been tested yet.
    values.lastTestStatus = null;
    values.lastTestMessage = null;
    values.lastTestedAt = null;
    changed.push(...Object.keys(patch.config).map((k) => `config.${k}`));
  }
  const [updated] = await db.batch([
    db.update(telephonyProviders).set(values).where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id))).returning(),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "update",
      entity: "telephony_provider",
      entityId: id,
      changes: { fields: changed },
      requestId: actor.requestId,
    }),
  ]);
  if (!updated[0]) throw notFound("Provider");
  return providerView(env, updated[0]);
}

export async function deleteProvider(db: Db, orgId: string, actor: Actor, id: string) {
  const before = await requireProvider(db, orgId, id);
  await db.batch([
    db.delete(telephonyProviders).where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id))),
    auditStatement(db, orgId, {
      actorId: actor.userId,
      action: "delete",
      entity: "telephony_provider",
      entityId: id,
      changes: { type: before.type, name: before.name },
      requestId: actor.requestId,
    }),
  ]);
}

/** Whether `presented` is the provider's webhook secret (compared by hash, so no decryption per request). */
export async function webhookSecretMatches(provider: ProviderRow, presented: string | null | undefined): Promise<boolean> {
  if (!presented) return false;
  return timingSafeEqual(await sha256(presented), provider.webhookSecretHash);
}

/**
 * The provider a vendor webhook names in its URL (`/twilio/<providerId>/...`),
 * before any organization is known. The caller MUST then authenticate the
 * request (Twilio signature with the decrypted authToken, or
 * `webhookSecretMatches`) and use the row's `orgId` for everything else.
 */
export async function providerForWebhook(db: Db, providerId: string): Promise<ProviderRow | undefined> {
  return db.select().from(telephonyProviders).where(eq(telephonyProviders.id, providerId)).get();
}

/**
 * Replaces the provider's webhook secret and answers the new one, once (the
 * old one stops working at once): for a lost secret or a new 3CX template.
 */
export async function rotateWebhookSecret(env: Keys, db: Db, orgId: string, actor: Actor, id: string) {
  const before = await requireProvider(db, orgId, id);
  const secrets = await providerSecrets(env, before);
  const webhookSecret = randomToken(32);
  const sealed = await encryptJson(env.ENCRYPTION_KEY, { ...secrets, webhookSecret }, sealContext(id));
  await db.batch([
    db
      .update(telephonyProviders)
      .set({ configCiphertext: sealed.ciphertext, configIv: sealed.iv, webhookSecretHash: await sha256(webhookSecret), updatedAt: Date.now() })
      .where(and(eq(telephonyProviders.orgId, orgId), eq(telephonyProviders.id, id))),
    auditStatement(db, orgId, { actorId: actor.userId, action: "rotate_secret", entity: "telephony_provider", entityId: id, requestId: actor.requestId }),
  ]);
  return { webhookSecret };
}
