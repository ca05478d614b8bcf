/** Reading `lead_scored` room events (schema/room-events.ts: LeadScored), which carry leads' and deals' new scores. */
import type { LeadScored } from '$schema/room-events';

/** The record and new score a `lead_scored` event names, or null when it is not one. */
export function scoredRecordOf(data: Record<string, unknown>): (LeadScored['record'] & { score: number; overridden: boolean }) | null {
	const event = data as Partial<LeadScored>;
	const record = event.record;
	if (!record || typeof record.id !== 'string' || (record.type !== 'lead' && record.type !== 'deal')) return null;
	if (typeof event.score !== 'number') return null;
	return { ...record, score: event.score, overridden: event.overridden === true };
}
