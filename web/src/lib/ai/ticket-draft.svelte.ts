/**
 * A ticket reply draft as it is written: streams the draft endpoint's
 * `DraftStreamEvents` into the reply editor through `write`, which receives
 * the whole draft so far each time it grows (the links to cited articles are
 * already in the text). Stopping keeps what was written; the agent edits and
 * sends it as any reply. Nothing here saves anything on the ticket.
 */
import { readEventStream } from '$lib/api/event-stream';
import { client } from '$lib/api/typed-api';
import type { AiCitation } from '$schema/ai';
import type { DraftStreamEvents } from '$schema/ai-api';
import { aiProblemOf, describeAiProblem, type AiProblem } from './ai-errors';

export type TicketDraftState = 'idle' | 'streaming' | 'done' | 'stopped' | 'failed';

/** Quick wishes an agent can add to a draft; anything else can be typed. */
export const DRAFT_WISHES = ['Shorter', 'More formal', 'Friendlier', 'Step by step'] as const;

export class TicketReplyDraft {
	state = $state<TicketDraftState>('idle');
	/** The articles the finished draft cites. */
	citations = $state<AiCitation[]>([]);
	problem = $state<AiProblem | null>(null);
	/** What the agent asked of the last draft, if anything. */
	instructions = $state<string | null>(null);
	#controller: AbortController | null = null;
	readonly #ticketId: () => string;

	constructor(ticketId: () => string) {
		this.#ticketId = ticketId;
	}

	get streaming() {
		return this.state === 'streaming';
	}

	async start(write: (draft: string) => void, instructions?: string) {
		this.#controller?.abort();
		const controller = new AbortController();
		this.#controller = controller;
		this.state = 'streaming';
		this.citations = [];
		this.problem = null;
		this.instructions = instructions?.trim() || null;
		let text = '';
		try {
			await readEventStream<DraftStreamEvents>(
				client.api.ai.tickets[':id']['reply-draft'].$post(
					{ param: { id: encodeURIComponent(this.#ticketId()) }, json: this.instructions ? { instructions: this.instructions } : {} },
					{ init: { signal: controller.signal } }
				),
				(name, event) => {
					if (controller.signal.aborted) return;
					if (name === 'delta') {
						text += (event as DraftStreamEvents['delta']).text;
						write(text);
					} else if (name === 'done') {
						const done = event as DraftStreamEvents['done'];
						write(done.draft);
						this.citations = done.citations;
						this.state = 'done';
					} else if (name === 'error') {
						const error = event as DraftStreamEvents['error'];
						this.problem = describeAiProblem(error.code, error.message);
						this.state = 'failed';
					}
				}
			);
			if (this.state === 'streaming' && !controller.signal.aborted) {
				this.problem = describeAiProblem('provider_error', 'The draft ended before it was finished; try again.');
				this.state = 'failed';
			}
		} catch (err) {
			if (controller.signal.aborted) return;
			this.problem = aiProblemOf(err);
			this.state = 'failed';
		} finally {
			if (this.#controller === controller) this.#controller = null;
		}
	}

	/** Stops the model; what was written stays in the editor. */
	stop() {
		if (!this.#controller) return;
		this.#controller.abort();
		this.#controller = null;
		this.state = 'stopped';
	}

	/** Forgets the last draft's sources and problems (the reply was sent). */
	reset() {
		this.stop();
		this.state = 'idle';
		this.citations = [];
		this.problem = null;
		this.instructions = null;
	}
}
