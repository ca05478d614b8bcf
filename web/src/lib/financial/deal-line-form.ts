import { majorText, parseMajor } from './invoice-format';

/**
 * A deal line as the "Products & pricing" card edits it: typed text, turned
 * into the API's integers (minor units, basis points) on save. The amounts
 * shown while typing follow money.ts's rules (per line, half away from zero);
 * what is stored is what the server computes.
 */
export interface DealLineDraft {
	key: string;
	productId: string | null;
	description: string;
	quantity: string;
	unitPrice: string;
	discountPercent: string;
	taxPercent: string;
	periodStart: string;
	periodEnd: string;
}

export interface StoredLine {
	productId: string | null;
	description: string;
	quantity: number;
	unitPrice: number;
	discountBps: number;
	taxRateBps: number;
	periodStart: string | null;
	periodEnd: string | null;
}

const roundHalfAway = (x: number) => Math.sign(x) * Math.round(Math.abs(x));
const number = (text: string) => Number(text.replace(',', '.').trim());
const bps = (percent: string) => roundHalfAway(number(percent || '0') * 100);
const percentText = (basisPoints: number) => String(Number((basisPoints / 100).toFixed(2)));

export function draftOf(line: StoredLine, currency: string): DealLineDraft {
	return {
		key: crypto.randomUUID(),
		productId: line.productId,
		description: line.description,
		quantity: String(line.quantity),
		unitPrice: majorText(line.unitPrice, currency),
		discountPercent: percentText(line.discountBps),
		taxPercent: percentText(line.taxRateBps),
		periodStart: line.periodStart ?? '',
		periodEnd: line.periodEnd ?? ''
	};
}

/** The line for the API, or a message saying what to fix. */
export function storedOf(draft: DealLineDraft, currency: string): StoredLine | string {
	const quantity = number(draft.quantity);
	const unitPrice = parseMajor(draft.unitPrice, currency);
	const discountBps = bps(draft.discountPercent);
	const taxRateBps = bps(draft.taxPercent);
	if (!draft.description.trim()) return 'Every line needs a description.';
	if (!Number.isFinite(quantity) || quantity <= 0) return `“${draft.description}”: the quantity must be more than 0.`;
	if (unitPrice === null || unitPrice < 0) return `“${draft.description}”: enter a unit price, e.g. 49.90.`;
	if (!Number.isFinite(discountBps) || discountBps < 0 || discountBps > 10_000) return `“${draft.description}”: the discount is a percentage from 0 to 100.`;
	if (!Number.isFinite(taxRateBps) || taxRateBps < 0 || taxRateBps > 10_000) return `“${draft.description}”: the tax rate is a percentage from 0 to 100.`;
	if (Boolean(draft.periodStart) !== Boolean(draft.periodEnd)) return `“${draft.description}”: give the service period both a start and an end.`;
	return {
		productId: draft.productId,
		description: draft.description.trim(),
		quantity: Math.round(quantity * 1000) / 1000,
		unitPrice,
		discountBps,
		taxRateBps,
		periodStart: draft.periodStart || null,
		periodEnd: draft.periodEnd || null
	};
}

export function previewAmounts(draft: DealLineDraft, currency: string) {
	const price = parseMajor(draft.unitPrice, currency) ?? 0;
	const quantity = number(draft.quantity) || 0;
	const gross = roundHalfAway(quantity * price);
	const discount = roundHalfAway((gross * bps(draft.discountPercent)) / 10_000) || 0;
	const amount = gross - discount;
	const tax = roundHalfAway((amount * bps(draft.taxPercent)) / 10_000) || 0;
	return { gross, discount, amount, tax };
}

export function previewTotals(drafts: DealLineDraft[], currency: string) {
	let subtotal = 0;
	let discountTotal = 0;
	let tax = 0;
	for (const draft of drafts) {
		const a = previewAmounts(draft, currency);
		subtotal += a.amount;
		discountTotal += a.discount;
		tax += a.tax;
	}
	return { subtotal, discountTotal, tax, total: subtotal + tax };
}

/** A recurring product's service period from today: 12 months from 5 March ends on 4 March next year. */
export function periodFrom(today: Date, months: number): { periodStart: string; periodEnd: string } {
	const start = new Date(Date.UTC(today.getFullYear(), today.getMonth(), today.getDate()));
	const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + months, start.getUTCDate() - 1));
	return { periodStart: start.toISOString().slice(0, 10), periodEnd: end.toISOString().slice(0, 10) };
}

