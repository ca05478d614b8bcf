/** How forecast periods, measures and ratios read on screen. */
import type { Measure } from './forecast-api';

const MONTH = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });

/** "Dec 2026" for "2026-12", "Q4 2026" for "2026-Q4". */
export function periodLabel(key: string): string {
	const q = /^(\d{4})-Q([1-4])$/.exec(key);
	if (q) return `Q${q[2]} ${q[1]}`;
	const m = /^(\d{4})-(\d{2})$/.exec(key);
	return m ? MONTH.format(new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1))) : key;
}

export const MEASURE_LABELS: Record<Measure, string> = {
	closedWon: 'Closed won',
	weighted: 'Weighted',
	commit: 'Commit',
	bestCase: 'Best case',
	slipped: 'Slipped'
};

export const MEASURE_HINTS: Record<Measure, string> = {
	closedWon: 'Deals won in the period',
	weighted: 'Open deals × their stage’s win probability',
	commit: 'Open deals in stages at or above the commit threshold',
	bestCase: 'Every open deal closing in the period',
	slipped: 'Open deals whose close date has passed'
};

export const MEASURE_COLORS: Record<Measure | 'target', string> = {
	closedWon: '#10b981',
	weighted: '#6366f1',
	commit: '#0ea5e9',
	bestCase: '#c7d2fe',
	slipped: '#f59e0b',
	target: '#334155'
};

export function percent(fraction: number | null, digits = 0): string {
	return fraction === null ? '—' : `${(fraction * 100).toFixed(digits)}%`;
}
