/**
 * Whether AI serves this organization, and by whom (`GET /api/ai/status`),
 * shared by every AI entry point so each can say what to set instead of
 * offering something that cannot answer. Loaded once per organization;
 * the settings page reloads it after a change.
 */
import { client, data } from '$lib/api/typed-api';
import type { AiStatus } from './ai-types';

/** What to say when chat is off, even if the server sent no setup text (transcription alone is configured). */
const NO_CHAT =
	'No chat model serves this organization. An owner or admin can add an OpenAI-compatible API key and base URL under Settings → AI.';

class AiStatusStore {
	value = $state<AiStatus | null>(null);
	error = $state<string | null>(null);
	#orgId: string | null = null;
	#pending: Promise<void> | null = null;

	/** The setup text to show when the assistant cannot answer; null when it can. */
	get chatSetup(): string | null {
		if (!this.value || this.value.chat) return null;
		return this.value.setup ?? NO_CHAT;
	}

	load(orgId: string, { force = false } = {}): Promise<void> {
		if (!force && orgId === this.#orgId && (this.value || this.#pending)) return this.#pending ?? Promise.resolve();
		if (orgId !== this.#orgId) this.value = null;
		this.#orgId = orgId;
		const pending = data(client.api.ai.status.$get())
			.then((status) => {
				if (this.#orgId !== orgId) return;
				this.value = status;
				this.error = null;
			})
			.catch((err: unknown) => {
				if (this.#orgId !== orgId) return;
				this.error = err instanceof Error ? err.message : 'Could not load the AI status.';
			})
			.finally(() => {
				if (this.#pending === pending) this.#pending = null;
			});
		this.#pending = pending;
		return pending;
	}
}

export const aiStatus = new AiStatusStore();
