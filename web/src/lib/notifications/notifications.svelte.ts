/**
 * The signed-in user's notifications (ticket assigned, SLA breached, …): the
 * newest page and the unread count, kept current by `notification` room
 * events, which the server sends to that user only.
 */
import { client, data, page, type DataOf } from '$lib/api/typed-api';
import { liveEvents } from '$lib/board/live-events.svelte';

export type AppNotification = DataOf<ReturnType<typeof client.api.notifications.$get>>[number];

const PAGE = 20;

/**
 * An empty JSON object as the body of the mark-read POSTs: workerd sees a
 * browser's bodiless POST as having a body, which the API refuses unless it is JSON.
 */
const EMPTY_JSON_BODY = { headers: { 'content-type': 'application/json' }, init: { body: '{}' } };

function asNotification(value: unknown): AppNotification | null {
	if (!value || typeof value !== 'object') return null;
	const n = value as AppNotification;
	return typeof n.id === 'string' && typeof n.title === 'string' ? n : null;
}

class Notifications {
	items = $state<AppNotification[]>([]);
	unread = $state(0);
	loaded = $state(false);
	#users = 0;
	#off: (() => void) | null = null;
	/** Bumped by every local change, so a list fetched before it cannot put old state back. */
	#changes = 0;

	/** Load and follow live events while at least one bell is mounted; returns the stop function. */
	use(): () => void {
		if (this.#users++ === 0) {
			void this.refresh();
			this.#off = liveEvents.on('notification', (event) => {
				const n = asNotification(event.data.notification);
				if (!n || this.items.some((i) => i.id === n.id)) return;
				this.#changes++;
				this.items = [n, ...this.items].slice(0, PAGE);
				if (!n.readAt) this.unread += 1;
			});
		}
		return () => {
			if (--this.#users === 0) {
				this.#off?.();
				this.#off = null;
			}
		};
	}

	async refresh() {
		const seen = this.#changes;
		try {
			const res = await page(client.api.notifications.$get({ query: { per_page: String(PAGE) } }));
			if (seen !== this.#changes) return;
			this.items = res.data;
			const meta = res.meta as { unread?: number } | undefined;
			this.unread = meta?.unread ?? res.data.filter((n) => !n.readAt).length;
			this.loaded = true;
		} catch {
			// The bell stays as it was; the next event or open retries.
		}
	}

	async markRead(id: string) {
		const item = this.items.find((n) => n.id === id);
		if (!item || item.readAt) return;
		this.#changes++;
		this.items = this.items.map((n) => (n.id === id ? { ...n, readAt: Date.now() } : n));
		this.unread = Math.max(0, this.unread - 1);
		await data(client.api.notifications[':id'].read.$post({ param: { id } }, EMPTY_JSON_BODY)).catch(() => undefined);
		await this.refresh();
	}

	async markAllRead() {
		const now = Date.now();
		this.#changes++;
		this.items = this.items.map((n) => (n.readAt ? n : { ...n, readAt: now }));
		this.unread = 0;
		await data(client.api.notifications['read-all'].$post({}, EMPTY_JSON_BODY)).catch(() => undefined);
		await this.refresh();
	}
}

export const notifications = new Notifications();
