/**
 * Card motion on the board: a card another person moves flies from its old
 * column to its new one (crossfade between the two keyed lists); cards that
 * leave the board fade out. While this tab drags, the crossfade stands down
 * until the drop has settled, so the dropped card does not fly twice.
 *
 * There is deliberately no animate:flip on the lists: it measures every card
 * of a changed column before and after each update, forcing a layout per card
 * (about 30 ms per remote move on a 5,000-card board, with 200 cards shown).
 * The crossfade only measures the card that moved.
 */
import { cubicOut } from 'svelte/easing';
import { crossfade, fade, type TransitionConfig } from 'svelte/transition';

export const FLIP_MS = 180;

let localDrag = false;
let settleTimer: ReturnType<typeof setTimeout> | undefined;
let quietUntil = 0;

/** Marks a local drag as started (true) or dropped (false: settles after the drop animation). */
export function setLocalDrag(active: boolean) {
	clearTimeout(settleTimer);
	if (active) localDrag = true;
	else settleTimer = setTimeout(() => (localDrag = false), FLIP_MS + 50);
}

/**
 * No card motion for a moment: the cards coming and going now are a filter,
 * "show more" or a bulk sync, not someone moving a card. (Each crossfade
 * measures its card, so animating hundreds at once would stall the page.)
 */
export function quietMotion(ms = 250) {
	quietUntil = Math.max(quietUntil, performance.now() + ms);
}

const reduceMotion = () =>
	typeof matchMedia !== 'undefined' && matchMedia('(prefers-reduced-motion: reduce)').matches;

const [sendBase, receiveBase] = crossfade({
	duration: (d) => Math.min(450, Math.max(220, Math.sqrt(d) * 18)),
	easing: cubicOut,
	// The other end is not shown (filtered out, or past "show more"): just fade.
	fallback: (node) => fade(node, { duration: 150 })
});

const NONE: TransitionConfig = { duration: 0 };

/** Cards that just changed column, arrived on or left the board; cleared once their motion has started. */
const moved = new Set<string>();
const arrived = new Set<string>();
const left = new Set<string>();
let clearTimer: ReturnType<typeof setTimeout> | undefined;

/**
 * Records what an update did to which cards, so only those animate: every
 * other card entering or leaving a list (a column's "first 50" shifting by
 * one) just appears, without being measured.
 */
export function noteCardChanges(changes: { moved: string[]; arrived: string[]; left: string[] }) {
	for (const id of changes.moved) moved.add(id);
	for (const id of changes.arrived) arrived.add(id);
	for (const id of changes.left) left.add(id);
	clearTimeout(clearTimer);
	clearTimer = setTimeout(() => {
		moved.clear();
		arrived.clear();
		left.clear();
	}, 500);
}

const quiet = () => localDrag || performance.now() < quietUntil || reduceMotion();

export function send(node: Element, params: { key: string }): () => TransitionConfig {
	if (quiet()) return () => NONE;
	if (moved.has(params.key)) return sendBase(node, params);
	if (left.has(params.key)) return () => fade(node, { duration: 150 });
	return () => NONE;
}

export function receive(node: Element, params: { key: string }): () => TransitionConfig {
	if (quiet()) return () => NONE;
	if (moved.has(params.key)) return receiveBase(node, params);
	if (arrived.has(params.key)) return () => fade(node, { duration: 200 });
	return () => NONE;
}
