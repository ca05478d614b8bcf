import { getContext, setContext } from 'svelte';
import type { HelpCenter } from '$lib/support/kb-types';

/** The help center the layout loaded, shared with its pages. */
export interface HelpCenterState {
	slug: string;
	center: HelpCenter | null;
	status: 'loading' | 'ready' | 'missing' | 'error';
}

const KEY = Symbol('help-center');

export const provideHelpCenter = (state: HelpCenterState) => setContext(KEY, state);
export const helpCenter = () => getContext<HelpCenterState>(KEY);
