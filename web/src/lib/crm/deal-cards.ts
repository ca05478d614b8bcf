/**
 * Deal helpers shared by the board and the deal page: ordering, fractional
 * positions, money, and reading a deal out of the board document.
 */
import { generateKeyBetween } from 'fractional-indexing';
import type { Deal, DealStatus } from './deal-types';

/** Board order: position as a plain string, ties broken by id (the server's rule). */
export function compareCards(a: Pick<Deal, 'id' | 'position'>, b: Pick<Deal, 'id' | 'position'>) {
	if (a.position !== b.position) return a.position < b.position ? -1 : 1;
	return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Index at which `card` belongs in a sorted column (binary search). */
export function sortedIndex(column: readonly Deal[], card: Pick<Deal, 'id' | 'position'>): number {
	let lo = 0;
	let hi = column.length;
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (compareCards(column[mid]!, card) < 0) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

/**
 * A fractional key that puts a card right after `beforeId` (or first, when
 * null) in the full sorted `column`, which must not contain the moving card.
 * Neighbours with equal keys (concurrent inserts) are skipped so the key is
 * always strictly between two different keys.
 */
export function positionAfter(column: readonly Deal[], beforeId: string | null): string {
	const at = beforeId === null ? 0 : column.findIndex((c) => c.id === beforeId) + 1;
	const lower = at > 0 ? (column[at - 1]?.position ?? null) : null;
	let next = at;
	while (lower !== null && next < column.length && column[next]!.position <= lower) next++;
	const upper = column[next]?.position ?? null;
	return generateKeyBetween(lower, upper);
}

/** A fractional key right before `afterId` in the full sorted `column` (moving card excluded). */
export function positionBefore(column: readonly Deal[], afterId: string | null): string {
	if (afterId === null) return positionAfter(column, column.at(-1)?.id ?? null);
	const at = column.findIndex((c) => c.id === afterId);
	if (at <= 0) return generateKeyBetween(null, column[0]?.position ?? null);
	return positionAfter(column, column[at - 1]!.id);
}

const MONEY = new Map<string, Intl.NumberFormat>();
const COMPACT = new Map<string, Intl.NumberFormat>();

function moneyFormat(currency: string, compact: boolean): Intl.NumberFormat {
	const cache = compact ? COMPACT : MONEY;
	let format = cache.get(currency);
	if (!format) {
		try {
			format = new Intl.NumberFormat(undefined, {
				style: 'currency',
				currency,
				maximumFractionDigits: compact ? 1 : 0,
				notation: compact ? 'compact' : 'standard'
			});
		} catch {
			format = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
		}
		cache.set(currency, format);
	}
	return format;
}

export function formatMoney(amount: number, currency: string, { compact = false } = {}): string {
	return moneyFormat(currency, compact).format(amount);
}

export const COMMON_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD', 'AUD', 'CHF', 'JPY', 'INR', 'BRL', 'SEK'];

/** Reads a date-only value as local midnight, so "2026-05-01" is not shown as April 30 west of UTC. */
export function parseDay(day: string): Date | null {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
	return m ? new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : null;
}

const SHORT_DAY = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric' });
const LONG_DAY = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function formatDay(day: string | null, { short = false } = {}): string {
	const date = day ? parseDay(day) : null;
	if (!date) return '—';
	if (short && date.getFullYear() === new Date().getFullYear()) return SHORT_DAY.format(date);
	return LONG_DAY.format(date);
}

export function isOverdue(day: string | null, now = new Date()): boolean {
	const date = day ? parseDay(day) : null;
	if (!date) return false;
	const today = new Date(now.getFullYear(), now.getMonth(), now.getDate());
	return date < today;
}

export function todayIso(now = new Date()): string {
	const pad = (n: number) => String(n).padStart(2, '0');
	return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

const STRING_OR_NULL = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const STATUSES: readonly DealStatus[] = ['open', 'won', 'lost'];

/**
 * A plain, well-typed deal from a board document entry, or null when the entry
 * lacks what a card needs (a half-synced or hostile edit the room will revert).
 */
export function dealFromJson(id: string, raw: unknown): Deal | null {
	if (!raw || typeof raw !== 'object') return null;
	const r = raw as Record<string, unknown>;
	if (typeof r.title !== 'string' || typeof r.stageId !== 'string' || typeof r.pipelineId !== 'string') {
		return null;
	}
	return {
		id,
		title: r.title,
		amount: typeof r.amount === 'number' && Number.isFinite(r.amount) ? r.amount : 0,
		currency: typeof r.currency === 'string' && /^[A-Z]{3}$/.test(r.currency) ? r.currency : 'USD',
		pipelineId: r.pipelineId,
		stageId: r.stageId,
		position: typeof r.position === 'string' ? r.position : '',
		ownerId: STRING_OR_NULL(r.ownerId),
		contactId: STRING_OR_NULL(r.contactId),
		companyId: STRING_OR_NULL(r.companyId),
		leadId: STRING_OR_NULL(r.leadId),
		closeDate: STRING_OR_NULL(r.closeDate),
		status: STATUSES.includes(r.status as DealStatus) ? (r.status as DealStatus) : 'open',
		lostReason: STRING_OR_NULL(r.lostReason),
		tags: Array.isArray(r.tags) ? r.tags.filter((t): t is string => typeof t === 'string') : [],
		createdBy: STRING_OR_NULL(r.createdBy),
		createdAt: typeof r.createdAt === 'number' ? r.createdAt : 0,
		updatedBy: STRING_OR_NULL(r.updatedBy),
		updatedAt: typeof r.updatedAt === 'number' ? r.updatedAt : 0
	};
}

/** Tags typed as "a, b, c": trimmed, de-duplicated, within the server's limits. */
export function parseTags(text: string): string[] {
	const seen = new Set<string>();
	for (const raw of text.split(',')) {
		const tag = raw.trim().slice(0, 40);
		if (tag) seen.add(tag);
	}
	return [...seen].slice(0, 20);
}

/** Amount typed by a person ("12,500", "12500.50") as a number, or null when it is not one. */
export function parseAmount(text: string): number | null {
	const cleaned = text.replace(/[\s,_]/g, '');
	if (cleaned === '') return 0;
	const value = Number(cleaned);
	return Number.isFinite(value) && value >= 0 && value <= 1e15 ? value : null;
}

/** Tailwind classes for a tag chip, stable per tag. */
const TAG_STYLES = [
	'bg-indigo-50 text-indigo-700 ring-indigo-600/15',
	'bg-emerald-50 text-emerald-700 ring-emerald-600/15',
	'bg-amber-50 text-amber-800 ring-amber-600/20',
	'bg-sky-50 text-sky-700 ring-sky-600/15',
	'bg-rose-50 text-rose-700 ring-rose-600/15',
	'bg-violet-50 text-violet-700 ring-violet-600/15',
	'bg-slate-100 text-slate-700 ring-slate-500/15'
] as const;

export function tagStyle(tag: string): string {
	let hash = 0;
	for (let i = 0; i < tag.length; i++) hash = (hash * 31 + tag.charCodeAt(i)) | 0;
	return TAG_STYLES[Math.abs(hash) % TAG_STYLES.length]!;
}

/** Where a moved or new card goes within a stage. */
export type Placement = 'top' | 'bottom' | { before: string | null; after: string | null };

/**
 * The fractional key for `placement` in a stage's full sorted column (without
 * the moving card). `before`/`after` are the neighbours the person saw, which
 * may be a filtered or shortened view of the column.
 */
export function positionFor(column: readonly Deal[], placement: Placement): string {
	if (placement === 'top') return positionAfter(column, null);
	if (placement === 'bottom') return positionBefore(column, null);
	if (placement.before !== null && column.some((c) => c.id === placement.before)) {
		return positionAfter(column, placement.before);
	}
	if (placement.after !== null && column.some((c) => c.id === placement.after)) {
		return positionBefore(column, placement.after);
	}
	return positionBefore(column, null);
}
