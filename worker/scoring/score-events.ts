import { eq } from "drizzle-orm";
import { memberships, organizations, type ScoredType, type ScoreFactor } from "../../schema";
import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { ownRecordsOnly } from "../platform/access";
import { publishEvent } from "../platform/room-rpc";
import { raiseInsight } from "../insights";
import { HOT_LEAD_JUMP, HOT_LEAD_SCORE, MAX_SCORE_EVENTS_PER_RUN } from "./scoring-limits";

/** A record whose effective score changed in a run. */
export interface ScoreChange {
  type: ScoredType;
  id: string;
  title: string;
  ownerId: string | null;
  score: number;
  previous: number | null;
  factors: ScoreFactor[];
  modelVersion: string;
  overridden: boolean;
}

const jump = (c: ScoreChange) => (c.previous === null ? 0 : Math.abs(c.score - c.previous));

/**
 * Publishes `lead_scored` to the members who may see each record. A run that
 * rescored thousands (a new model) publishes only the
 * `MAX_SCORE_EVENTS_PER_RUN` largest moves: each event is a message to every
 * connected member's socket, and a list refetched after a model change shows
 * the new scores anyway; the live event is for the record someone is looking
 * at moving noticeably. Best effort: the scores are committed.
 */
export async function publishScoreChanges(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, changes: ScoreChange[]): Promise<number> {
  if (changes.length === 0) return 0;
  const picked = [...changes].sort((a, b) => jump(b) - jump(a) || (a.id < b.id ? -1 : 1)).slice(0, MAX_SCORE_EVENTS_PER_RUN);
  try {
    const [org, members] = await Promise.all([
      db.select({ settings: organizations.settings }).from(organizations).where(eq(organizations.id, orgId)).get(),
      db.select({ userId: memberships.userId, role: memberships.role }).from(memberships).where(eq(memberships.orgId, orgId)),
    ]);
    const recordVisibility = org?.settings.recordVisibility ?? "all";
    await Promise.all(
      picked.map((c) => {
        const audience = members.filter((m) => !ownRecordsOnly({ role: m.role, recordVisibility }) || m.userId === c.ownerId).map((m) => m.userId);
        if (audience.length === 0) return 0;
        const event = { record: { type: c.type, id: c.id, title: c.title }, score: c.score, previous: c.previous, factors: c.factors, modelVersion: c.modelVersion, overridden: c.overridden };
        return publishEvent(env, orgId, "lead_scored", event, audience);
      }),
    );
  } catch (err) {
    console.error(JSON.stringify({ level: "warn", msg: "lead_scored not published", orgId, err: String(err) }));
  }
  return picked.length;
}

/** A lead that jumped `HOT_LEAD_JUMP`+ points to `HOT_LEAD_SCORE`+ becomes a `hot_lead` insight, citing the factors behind it. */
export async function raiseHotLeads(env: Pick<Env, "ORG_ROOM">, db: Db, orgId: string, changes: ScoreChange[]) {
  const hot = changes.filter((c) => c.type === "lead" && c.previous !== null && c.score - c.previous >= HOT_LEAD_JUMP && c.score >= HOT_LEAD_SCORE);
  for (const c of hot.slice(0, MAX_SCORE_EVENTS_PER_RUN)) {
    const reasons = c.factors.filter((f) => f.points > 0 && f.feature !== "other").map((f) => `${f.label} (+${f.points})`);
    try {
      await raiseInsight(env, db, {
        orgId,
        kind: "hot_lead",
        record: { type: "lead", id: c.id, title: c.title },
        headline: `${c.title} jumped from ${c.previous} to ${c.score}`,
        evidence: [{ type: "lead", id: c.id, title: c.title, detail: reasons.join(", ") || `Score ${c.score}` }],
        dedupeKey: `hot_lead:${c.id}`,
      });
    } catch (err) {
      console.error(JSON.stringify({ level: "warn", msg: "hot lead insight not raised", orgId, err: String(err) }));
    }
  }
}
