/**
 * Money and statuses as the finance pages show them. Amounts arrive as
 * integers in the currency's minor unit (cents; yen have none); the digits
 * come from the browser's ISO 4217 data, as the server's money.ts reads them.
 */

export function minorDigits(currency: string): number {
	try {
		return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
	} catch {
		return 2;
	}
}

export function formatMinor(minor: number, currency: string): string {
	try {
		return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(minor / 10 ** minorDigits(currency));
	} catch {
		return `${(minor / 100).toFixed(2)} ${currency}`;
	}
}

/** A typed price ("1,234.5") in minor units, or null when it is not a number. */
export function parseMajor(text: string, currency: string): number | null {
	const cleaned = text.replace(/[\s,]/g, '');
	if (!/^-?\d*(\.\d*)?$/.test(cleaned) || cleaned === '' || cleaned === '.') return null;
	return Math.round(Number(cleaned) * 10 ** minorDigits(currency));
}

export const majorText = (minor: number, currency: string) => (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency));

/** 1900 basis points → "19%". */
export const percentOf = (bps: number) => `${Number((bps / 100).toFixed(2))}%`;

export const formatDay = (day: string | null) =>
	day ? new Date(`${day}T00:00:00Z`).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' }) : '—';

export type DisplayStatus =
	| 'draft'
	| 'open'
	| 'partially_paid'
	| 'paid'
	| 'overdue'
	| 'void'
	| 'uncollectible'
	| 'sent'
	| 'accepted'
	| 'declined'
	| 'expired';

export const STATUS_LABELS: Record<DisplayStatus, string> = {
	draft: 'Draft',
	open: 'Open',
	partially_paid: 'Partially paid',
	paid: 'Paid',
	overdue: 'Overdue',
	void: 'Void',
	uncollectible: 'Uncollectible',
	sent: 'Sent',
	accepted: 'Accepted',
	declined: 'Declined',
	expired: 'Expired'
};

export const STATUS_STYLES: Record<DisplayStatus, string> = {
	draft: 'bg-slate-100 text-slate-700 ring-slate-500/20',
	open: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	partially_paid: 'bg-amber-50 text-amber-800 ring-amber-600/20',
	paid: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	overdue: 'bg-rose-50 text-rose-700 ring-rose-600/20',
	void: 'bg-slate-100 text-slate-500 ring-slate-400/20 line-through',
	uncollectible: 'bg-orange-50 text-orange-700 ring-orange-600/20',
	sent: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	accepted: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	declined: 'bg-rose-50 text-rose-700 ring-rose-600/20',
	expired: 'bg-slate-100 text-slate-600 ring-slate-500/20'
};

export const INVOICE_FILTERS: DisplayStatus[] = ['draft', 'open', 'partially_paid', 'overdue', 'paid', 'uncollectible', 'void'];
export const QUOTE_FILTERS: DisplayStatus[] = ['draft', 'sent', 'accepted', 'declined', 'expired', 'void'];
