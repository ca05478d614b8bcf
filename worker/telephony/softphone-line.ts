import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../platform/db";
import { telephonyExtensions, telephonyProviders } from "../../schema";
import { ARI_TYPES } from "./pbx/pbx-originate";

export type SoftphoneLine =
  | { mode: "twilio"; providerId: string }
  | { mode: "pbx"; providerId: string; extension: string }
  | { mode: "none"; reason: "no_provider" | "no_extension" };

/**
 * Which line a member's softphone has, so the browser asks for a Twilio
 * voice token only when there is Twilio to ask: the browser itself (the
 * oldest enabled Twilio provider), else their desk phone (their extension on
 * the oldest enabled Asterisk / FreePBX provider they have one on), else why
 * there is none. The reason tells an agent, who cannot list providers,
 * whether a manager has to add a provider or only their extension.
 */
export async function softphoneLine(db: Db, orgId: string, userId: string): Promise<SoftphoneLine> {
  const providers = await db
    .select({ id: telephonyProviders.id, type: telephonyProviders.type })
    .from(telephonyProviders)
    .where(and(eq(telephonyProviders.orgId, orgId), inArray(telephonyProviders.type, ["twilio", ...ARI_TYPES]), eq(telephonyProviders.enabled, true)))
    .orderBy(asc(telephonyProviders.createdAt));
  const twilio = providers.find((p) => p.type === "twilio");
  if (twilio) return { mode: "twilio", providerId: twilio.id };
  if (providers.length === 0) return { mode: "none", reason: "no_provider" };
  const extensions = await db
    .select({ providerId: telephonyExtensions.providerId, extension: telephonyExtensions.extension })
    .from(telephonyExtensions)
    .where(and(eq(telephonyExtensions.orgId, orgId), eq(telephonyExtensions.userId, userId)));
  for (const provider of providers) {
    const mine = extensions.find((e) => e.providerId === provider.id);
    if (mine) return { mode: "pbx", providerId: provider.id, extension: mine.extension };
  }
  return { mode: "none", reason: "no_extension" };
}
