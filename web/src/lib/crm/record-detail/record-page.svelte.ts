import { goto } from '$app/navigation';
import { untrack } from 'svelte';
import { ApiError } from '$lib/api/api-client';
import { loadMembers } from '$lib/crm/org-data';
import { deleteRecord, errorMessage, updateRecord } from '$lib/crm/record-format';
import type { RecordResource } from '$lib/crm/record-types';
import type { Member } from '$lib/identity/identity-types';
import { toasts } from '$lib/ui/toasts.svelte';

/**
 * The state of one record page: the record (loaded by id), the organization's
 * members for owner names, and saving a change or deleting the record.
 */
export class RecordPage<T extends { id: string }> {
	record = $state.raw<T | null>(null);
	status = $state<'loading' | 'ready' | 'missing' | 'error'>('loading');
	error = $state<string | null>(null);
	members = $state.raw<Map<string, Member>>(new Map());
	memberList = $state.raw<Member[]>([]);

	readonly #resource: RecordResource;
	readonly #load: (id: string) => Promise<T>;
	#id = '';

	constructor(resource: RecordResource, load: (id: string) => Promise<T>) {
		this.#resource = resource;
		this.#load = load;
		loadMembers().then(
			(list) => {
				this.memberList = list;
				this.members = new Map(list.map((m) => [m.id, m]));
			},
			() => {
				// Names are an extra; the record still shows.
			}
		);
	}

	/** Safe to call from an effect: it only depends on `id`, never on what it loads into. */
	async load(id: string) {
		this.#id = id;
		if (untrack(() => (this.record as { id?: string } | null)?.id) !== id) this.status = 'loading';
		this.error = null;
		try {
			const record = await this.#load(id);
			if (id !== this.#id) return;
			this.record = record;
			this.status = 'ready';
		} catch (err) {
			if (id !== this.#id) return;
			if (err instanceof ApiError && err.status === 404) this.status = 'missing';
			else {
				this.error = errorMessage(err, 'Could not load this record.');
				this.status = 'error';
			}
		}
	}

	/** PATCH some fields; false (and a toast) when refused, so an inline field stays open. */
	async save(patch: Record<string, unknown>): Promise<boolean> {
		const current = this.record;
		if (!current) return false;
		try {
			const updated = await updateRecord(this.#resource, current.id, patch);
			this.record = { ...this.record!, ...updated };
			return true;
		} catch (err) {
			toasts.show({ title: 'Could not save the change', description: errorMessage(err), tone: 'error' });
			return false;
		}
	}

	async remove(label: string) {
		const current = this.record;
		if (!current) return;
		try {
			await deleteRecord(this.#resource, current.id);
			toasts.show({ title: `${label} deleted`, tone: 'success' });
			await goto(`/${this.#resource}`);
		} catch (err) {
			toasts.show({ title: `Could not delete the ${label.toLowerCase()}`, description: errorMessage(err), tone: 'error' });
		}
	}
}
