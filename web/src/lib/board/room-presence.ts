/**
 * Who is online and which card they look at, read from the room's Yjs
 * awareness states. Kept apart from the connection (room.svelte.ts) because it
 * only interprets what other tabs announce; the server vouches for each state.
 */
import type { Awareness } from 'y-protocols/awareness';
import { colorFor } from '$lib/ui/format';

/** One signed-in person, however many tabs they have open. */
export interface Presence {
	userId: string;
	name: string;
	color: string;
	/** Path of the page they last looked at. */
	view: string;
	isSelf: boolean;
}

/** Someone else looking at or dragging a card. */
export interface CardPeer {
	userId: string;
	name: string;
	dragging: boolean;
}

interface AwarenessState {
	user?: { id?: unknown; name?: unknown; color?: unknown };
	view?: unknown;
	viewingDeal?: unknown;
	dragging?: unknown;
}

export interface RoomUser {
	id: string;
	name: string;
}

/**
 * What this tab announces about itself. Kept outside the provider because a
 * reconnect or a board reset starts a new one, which must announce the same.
 */
export class AnnouncedFields {
	#fields: { view: string; viewingDeal: string | null; dragging: string | null } = {
		view: '/',
		viewingDeal: null,
		dragging: null
	};

	get fields() {
		return this.#fields;
	}

	/** Records `value`, and announces it on `awareness` if it changed. */
	set(field: 'view' | 'viewingDeal' | 'dragging', value: string | null, awareness: Awareness | undefined) {
		if (this.#fields[field] === value) return;
		this.#fields = { ...this.#fields, [field]: value };
		awareness?.setLocalStateField(field, value);
	}
}

export function selfPresence(user: RoomUser, view: string): Presence {
	return { userId: user.id, name: user.name, color: colorFor(user.id).hex, view, isSelf: true };
}

/** One entry per person (their most recently updated tab), self first. */
export function presenceFrom(awareness: Awareness, me: RoomUser): Presence[] {
	const byUser = new Map<string, Presence & { updated: number }>();
	for (const [clientId, raw] of awareness.getStates()) {
		const state = raw as AwarenessState;
		const id = state.user?.id;
		if (typeof id !== 'string') continue;
		const name = typeof state.user?.name === 'string' ? state.user.name : 'Someone';
		const updated = awareness.meta.get(clientId)?.lastUpdated ?? 0;
		const existing = byUser.get(id);
		if (existing && existing.updated >= updated) continue;
		byUser.set(id, {
			userId: id,
			name,
			color: colorFor(id).hex,
			view: typeof state.view === 'string' ? state.view : '/',
			isSelf: id === me.id,
			updated
		});
	}
	return [...byUser.values()]
		.map(({ updated: _updated, ...presence }) => presence)
		.sort((a, b) => Number(b.isSelf) - Number(a.isSelf) || a.name.localeCompare(b.name));
}

/**
 * dealId → the others looking at or dragging it; `previous` itself when
 * nothing is to show before or after, so the caller can skip the update.
 */
export function cardPeersFrom(
	awareness: Awareness,
	me: RoomUser,
	previous: ReadonlyMap<string, CardPeer[]>
): ReadonlyMap<string, CardPeer[]> {
	const next = new Map<string, CardPeer[]>();
	const seen = new Set<string>();
	for (const raw of awareness.getStates().values()) {
		const state = raw as AwarenessState;
		const id = state.user?.id;
		if (typeof id !== 'string' || id === me.id) continue;
		const name = typeof state.user?.name === 'string' ? state.user.name : 'Someone';
		const dragging = typeof state.dragging === 'string' ? state.dragging : null;
		const viewing = typeof state.viewingDeal === 'string' ? state.viewingDeal : null;
		const dealId = dragging ?? viewing;
		if (!dealId || seen.has(`${dealId}:${id}`)) continue;
		seen.add(`${dealId}:${id}`);
		const list = next.get(dealId) ?? [];
		list.push({ userId: id, name, dragging: dragging !== null });
		next.set(dealId, list);
	}
	// Keep the previous arrays where nothing changed, so only affected cards re-render.
	for (const [dealId, list] of next) {
		const before = previous.get(dealId);
		if (
			before &&
			before.length === list.length &&
			before.every((p, i) => p.userId === list[i]!.userId && p.dragging === list[i]!.dragging)
		) {
			next.set(dealId, before);
		}
	}
	if (next.size === 0 && previous.size === 0) return previous;
	return next;
}
