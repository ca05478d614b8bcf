import { eq } from "drizzle-orm";
import type { Db } from "../../platform/db";
import type { Env } from "../../platform/env";
import { encryptJson } from "../../platform/crypto";
import { AppError, invalid } from "../../platform/errors";
import { assertOutboundUrl } from "../../platform/outbound-fetch";
import { auditStatement } from "../../platform/audit-writer";
import type { Actor } from "../../platform/records";
import { aiSettings } from "../../../schema";
import { aiKeyContext } from "../providers/ai-config";

/**
 * An organization's own model account and AI preferences. The key is sealed
 * (AES-GCM bound to the organization) and never answered again: the view says
 * only whether one is set and its last 4 characters.
 */

export interface AiSettingsView {
  baseUrl: string | null;
  key: { set: boolean; last4: string | null };
  chatModel: string | null;
  transcribeModel: string | null;
  transcriptionEnabled: boolean;
  monthlyTokenBudget: number | null;
  monthlyAudioSecondsBudget: number | null;
  updatedAt: number | null;
}

export interface AiSettingsChange {
  apiKey?: string | null;
  baseUrl?: string | null;
  chatModel?: string | null;
  transcribeModel?: string | null;
  transcriptionEnabled?: boolean;
  monthlyTokenBudget?: number | null;
  monthlyAudioSecondsBudget?: number | null;
}

type Row = typeof aiSettings.$inferSelect;

function view(row: Row | undefined): AiSettingsView {
  return {
    baseUrl: row?.baseUrl ?? null,
    key: { set: !!row?.keyCiphertext, last4: row?.keyCiphertext ? row.keyLast4 : null },
    chatModel: row?.chatModel ?? null,
    transcribeModel: row?.transcribeModel ?? null,
    transcriptionEnabled: row?.transcriptionEnabled ?? true,
    monthlyTokenBudget: row?.monthlyTokenBudget ?? null,
    monthlyAudioSecondsBudget: row?.monthlyAudioSecondsBudget ?? null,
    updatedAt: row?.updatedAt ?? null,
  };
}

const load = (db: Db, orgId: string) => db.select().from(aiSettings).where(eq(aiSettings.orgId, orgId)).get();

export async function getAiSettings(db: Db, orgId: string): Promise<AiSettingsView> {
  return view(await load(db, orgId));
}

export async function updateAiSettings(env: Env, db: Db, orgId: string, actor: Actor, change: AiSettingsChange): Promise<AiSettingsView> {
  const current = await load(db, orgId);
  const next: Partial<Row> = {};
  if (change.baseUrl !== undefined) {
    const url = change.baseUrl?.replace(/\/+$/, "") ?? null;
    if (url) assertOutboundUrl(env, url);
    // A saved key must never follow a new URL on its own: whoever changes where it goes proves they hold it.
    if (url !== (current?.baseUrl ?? null) && current?.keyCiphertext && change.apiKey === undefined) {
      throw invalid({ apiKey: ["Changing the base URL needs the API key again"] });
    }
    next.baseUrl = url;
  }
  if (change.apiKey !== undefined) {
    if (change.apiKey === null) {
      Object.assign(next, { keyCiphertext: null, keyIv: null, keyLast4: null });
    } else {
      const sealed = await encryptJson(env.ENCRYPTION_KEY, { apiKey: change.apiKey }, aiKeyContext(orgId));
      Object.assign(next, { keyCiphertext: sealed.ciphertext, keyIv: sealed.iv, keyLast4: change.apiKey.slice(-4) });
    }
  }
  for (const field of ["chatModel", "transcribeModel", "transcriptionEnabled", "monthlyTokenBudget", "monthlyAudioSecondsBudget"] as const) {
    if (change[field] !== undefined) (next as Record<string, unknown>)[field] = change[field];
  }
  if (Object.keys(next).length === 0) return view(current);
  const now = Date.now();
  const row = { ...next, updatedBy: actor.userId, updatedAt: now };
  // The audit names what changed, never the key itself.
  const changes: Record<string, unknown> = { ...change };
  if (change.apiKey !== undefined) changes.apiKey = change.apiKey === null ? "removed" : "replaced";
  await db.batch([
    db.insert(aiSettings).values({ orgId, ...row }).onConflictDoUpdate({ target: aiSettings.orgId, set: row }),
    auditStatement(db, orgId, { actorId: actor.userId, action: "update", entity: "ai_settings", entityId: orgId, changes, requestId: actor.requestId }),
  ]);
  const saved = await load(db, orgId);
  if (!saved) throw new AppError("internal_error", "AI settings were not saved");
  return view(saved);
}
