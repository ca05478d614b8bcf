import { client, data } from '$lib/api/typed-api';
import type { KbCategory } from '$lib/support/kb-types';

/** The organization's knowledge-base categories, loaded once per page and reloaded after edits. */
export function kbCategories() {
	const state = $state({ list: [] as KbCategory[], loaded: false });
	async function reload() {
		try {
			state.list = await data(client.api.support['knowledge-base'].categories.$get());
		} finally {
			state.loaded = true;
		}
	}
	void reload();
	return {
		get list() {
			return state.list;
		},
		get loaded() {
			return state.loaded;
		},
		reload
	};
}

export type KbCategories = ReturnType<typeof kbCategories>;
