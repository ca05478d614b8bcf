import { and, eq } from "drizzle-orm";
import type { Db } from "../platform/db";
import { invalid } from "../platform/errors";
import { isValidTimeZone } from "../platform/local-time";
import { notificationDigests, notificationPreferences } from "../../schema";
import { CATEGORY_NAMES, defaultPreference, NOTIFICATION_CATEGORIES, type NotificationCategory } from "./notification-categories";

export interface ChannelChoice {
  inApp: boolean;
  email: boolean;
}

export interface DigestSettings {
  enabled: boolean;
  hour: number;
  timeZone: string;
}

export const DEFAULT_DIGEST: DigestSettings = { enabled: false, hour: 8, timeZone: "UTC" };

/** Where one member hears about one category: their stored choice, or the category's default. */
export async function preferenceFor(db: Db, orgId: string, userId: string, category: NotificationCategory): Promise<ChannelChoice> {
  const row = await db
    .select({ inApp: notificationPreferences.inApp, email: notificationPreferences.email })
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.orgId, orgId), eq(notificationPreferences.userId, userId), eq(notificationPreferences.category, category)))
    .get();
  return row ?? defaultPreference(category);
}

/** The whole matrix, every category in display order, defaults filled in. */
export async function preferenceMatrix(db: Db, orgId: string, userId: string) {
  const rows = await db
    .select()
    .from(notificationPreferences)
    .where(and(eq(notificationPreferences.orgId, orgId), eq(notificationPreferences.userId, userId)));
  const stored = new Map(rows.map((r) => [r.category, { inApp: r.inApp, email: r.email }]));
  return CATEGORY_NAMES.map((category) => ({
    category,
    label: NOTIFICATION_CATEGORIES[category].label,
    description: NOTIFICATION_CATEGORIES[category].description,
    ...(stored.get(category) ?? defaultPreference(category)),
  }));
}

export async function digestSettings(db: Db, orgId: string, userId: string): Promise<DigestSettings> {
  const row = await db
    .select({ enabled: notificationDigests.enabled, hour: notificationDigests.hour, timeZone: notificationDigests.timeZone })
    .from(notificationDigests)
    .where(and(eq(notificationDigests.orgId, orgId), eq(notificationDigests.userId, userId)))
    .get();
  return row ?? DEFAULT_DIGEST;
}

export interface PreferenceChanges {
  categories?: Partial<Record<NotificationCategory, Partial<ChannelChoice>>>;
  digest?: Partial<DigestSettings>;
}

/**
 * Applies a member's changes in one batch: each category they name is stored
 * whole (missing channels keep their current value), the digest likewise.
 * Changing the digest's hour or zone keeps `lastSentOn`, so moving the hour
 * later the same day does not send a second digest.
 */
export async function updatePreferences(db: Db, orgId: string, userId: string, changes: PreferenceChanges, now = Date.now()) {
  if (changes.digest?.timeZone !== undefined && !isValidTimeZone(changes.digest.timeZone)) {
    throw invalid({ "digest.timeZone": [`Unknown time zone: ${changes.digest.timeZone}`] });
  }
  const current = await preferenceMatrix(db, orgId, userId);
  const statements = [];
  for (const [category, choice] of Object.entries(changes.categories ?? {}) as [NotificationCategory, Partial<ChannelChoice>][]) {
    const before = current.find((c) => c.category === category)!;
    const next = { inApp: choice.inApp ?? before.inApp, email: choice.email ?? before.email };
    statements.push(
      db
        .insert(notificationPreferences)
        .values({ orgId, userId, category, ...next, updatedAt: now })
        .onConflictDoUpdate({ target: [notificationPreferences.orgId, notificationPreferences.userId, notificationPreferences.category], set: { ...next, updatedAt: now } }),
    );
  }
  if (changes.digest) {
    const next = { ...(await digestSettings(db, orgId, userId)), ...changes.digest };
    statements.push(
      db
        .insert(notificationDigests)
        .values({ orgId, userId, ...next, updatedAt: now })
        .onConflictDoUpdate({ target: [notificationDigests.orgId, notificationDigests.userId], set: { ...next, updatedAt: now } }),
    );
  }
  const [first, ...rest] = statements;
  if (first) await db.batch([first, ...rest]);
}
