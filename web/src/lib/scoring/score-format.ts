/** How a 0–100 score reads: its band, its colours, and points with their sign. */
import type { ScoredType } from '$schema/scoring';

export type ScoreBand = 'hot' | 'warm' | 'cold' | 'none';

export function scoreBand(score: number | null | undefined): ScoreBand {
	if (score === null || score === undefined) return 'none';
	if (score >= 70) return 'hot';
	if (score >= 40) return 'warm';
	return 'cold';
}

export const SCORE_BAND_STYLES: Record<ScoreBand, string> = {
	hot: 'bg-emerald-50 text-emerald-700 ring-emerald-600/25',
	warm: 'bg-amber-50 text-amber-800 ring-amber-600/25',
	cold: 'bg-slate-100 text-slate-600 ring-slate-500/20',
	none: 'bg-white text-slate-400 ring-slate-300'
};

export const SCORE_BAND_LABELS: Record<ScoreBand, string> = {
	hot: 'Hot',
	warm: 'Warm',
	cold: 'Cold',
	none: 'Not scored yet'
};

/** `+8`, `−5` (a real minus sign), `0`. */
export function formatPoints(points: number): string {
	if (points > 0) return `+${points}`;
	if (points < 0) return `−${Math.abs(points)}`;
	return '0';
}

export const SCORED_LABELS: Record<ScoredType, { one: string; many: string; outcome: string }> = {
	lead: { one: 'lead', many: 'leads', outcome: 'converted vs disqualified' },
	deal: { one: 'deal', many: 'deals', outcome: 'won vs lost' }
};
