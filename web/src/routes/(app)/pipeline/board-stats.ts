import type { Deal, Stage } from '$lib/crm/deal-types';

export interface BoardTotals {
	count: number;
	amount: number;
	currency: string;
	/** Null when the cards mix currencies, where a weighted sum means nothing. */
	weighted: number | null;
}

/** Count, total and probability-weighted total of the cards that pass `matches` (all when null). */
export function boardTotals(
	columns: readonly (readonly Deal[])[],
	stages: readonly Stage[],
	matches: ((deal: Deal) => boolean) | null
): BoardTotals {
	let count = 0;
	let weighted = 0;
	const byCurrency = new Map<string, number>();
	columns.forEach((cards, i) => {
		const probability = stages[i]?.probability ?? 0;
		for (const card of cards) {
			if (matches && !matches(card)) continue;
			count++;
			byCurrency.set(card.currency, (byCurrency.get(card.currency) ?? 0) + card.amount);
			weighted += (card.amount * probability) / 100;
		}
	});
	const [currency, amount] = [...byCurrency].sort((a, b) => b[1] - a[1])[0] ?? ['USD', 0];
	return { count, amount, currency, weighted: byCurrency.size <= 1 ? weighted : null };
}

/** Every tag on the board, sorted, for the tag filter. */
export function boardTags(columns: readonly (readonly Deal[])[]): string[] {
	const set = new Set<string>();
	for (const cards of columns) for (const card of cards) for (const tag of card.tags) set.add(tag);
	return [...set].sort((a, b) => a.localeCompare(b));
}

/** The board's most common currency (from a sample on huge boards), for a new card. */
export function commonCurrency(columns: readonly (readonly Deal[])[]): string {
	const counts = new Map<string, number>();
	let seen = 0;
	for (const cards of columns) {
		for (const card of cards) {
			counts.set(card.currency, (counts.get(card.currency) ?? 0) + 1);
			if (++seen > 500) break;
		}
	}
	return [...counts].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'USD';
}
