/**
 * One user's conversation with the assistant, as the panel shows it: the
 * turns so far (replayed from the server, or arriving as a stream), the
 * user's past conversations, and the proposed actions they settle. Lives
 * outside the panel so a closed panel keeps its answer streaming.
 */
import { ApiError } from '$lib/api/api-client';
import { readEventStream } from '$lib/api/event-stream';
import { client, data } from '$lib/api/typed-api';
import type { AiActionView, AiConversationDetail, AiConversationSummary, AiMessageView, AssistantStreamEvents } from '$schema/ai-api';
import type { AiCitation, AiPageContext } from '$schema/ai';
import { aiProblemOf, describeAiProblem, type AiProblem } from './ai-errors';

export interface ToolStep {
	id: string;
	name: string;
	arguments: unknown;
	state: 'running' | 'done' | 'failed';
	error: string | null;
}

export interface ChatTurn {
	/** Stable for the turn's life on screen (a streamed turn keeps its local key). */
	key: string;
	role: 'user' | 'assistant';
	content: string;
	citations: AiCitation[];
	steps: ToolStep[];
	actions: AiActionView[];
	state: 'done' | 'streaming' | 'stopped' | 'failed';
	problem: AiProblem | null;
	context: AiPageContext | null;
}

const conversationRoute = () => client.api.ai.conversations[':id'];
const param = (id: string) => ({ id: encodeURIComponent(id) });

function parseArguments(raw: string): unknown {
	try {
		return JSON.parse(raw);
	} catch {
		return raw;
	}
}

const sameRecord = (a: AiCitation, b: AiCitation) => a.type === b.type && a.id === b.id;
const mergeCitations = (into: AiCitation[], more: AiCitation[]) => {
	for (const c of more) if (!into.some((x) => sameRecord(x, c))) into.push(c);
};

function turnOf(message: AiMessageView): ChatTurn {
	return {
		key: message.id,
		role: message.role,
		content: message.content,
		citations: [...message.citations],
		steps: message.toolCalls.map((call) => ({
			id: call.id,
			name: call.name,
			arguments: parseArguments(call.arguments),
			state: 'done',
			error: null
		})),
		actions: [],
		state: 'done',
		problem: null,
		context: message.context
	};
}

/**
 * Replayed turns. The rounds of one answer (tool calls, then text) are stored
 * as separate messages and shown as one turn; each proposal shows under the
 * answer that was being written when it was made.
 */
function turnsOf(detail: AiConversationDetail): ChatTurn[] {
	const turns: ChatTurn[] = [];
	const turnOfMessage: ChatTurn[] = [];
	for (const message of detail.messages) {
		const next = turnOf(message);
		const last = turns[turns.length - 1];
		if (message.role === 'assistant' && last?.role === 'assistant') {
			last.content = [last.content, next.content].filter((t) => t.trim()).join('\n\n');
			last.steps.push(...next.steps);
			mergeCitations(last.citations, next.citations);
		} else {
			turns.push(next);
		}
		turnOfMessage.push(turns[turns.length - 1]!);
	}
	for (const action of detail.actions) {
		const at = detail.messages.findIndex((m) => m.role === 'assistant' && m.createdAt >= action.createdAt);
		const host = at >= 0 ? turnOfMessage[at] : turns.findLast((t) => t.role === 'assistant');
		host?.actions.push(action);
	}
	return turns;
}

let localKeys = 0;
const localKey = () => `local-${++localKeys}`;

export class AssistantChat {
	conversations = $state.raw<AiConversationSummary[]>([]);
	conversationsState = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
	conversationsError = $state<string | null>(null);
	conversationId = $state<string | null>(null);
	title = $state<string | null>(null);
	turns = $state<ChatTurn[]>([]);
	opening = $state(false);
	openError = $state<string | null>(null);
	/** Per proposal: settling it, or why that failed. */
	actionBusy = $state<Record<string, boolean>>({});
	actionErrors = $state<Record<string, string>>({});
	#controller: AbortController | null = null;

	get streaming() {
		return this.turns.some((t) => t.state === 'streaming');
	}

	async loadConversations() {
		this.conversationsState = 'loading';
		try {
			this.conversations = await data(client.api.ai.conversations.$get({ query: { per_page: '50' } }));
			this.conversationsState = 'ready';
			this.conversationsError = null;
		} catch (err) {
			this.conversationsState = 'error';
			this.conversationsError = aiProblemOf(err).message;
		}
	}

	/** Deletes one of your conversations (changes already confirmed stay). */
	async remove(id: string) {
		await data(conversationRoute().$delete({ param: param(id) }));
		this.conversations = this.conversations.filter((c) => c.id !== id);
		if (this.conversationId === id) this.reset();
	}

	/** Starts over: the next question opens a new conversation. */
	reset() {
		this.stop();
		this.conversationId = null;
		this.title = null;
		this.turns = [];
		this.openError = null;
		this.actionErrors = {};
	}

	async open(id: string) {
		this.reset();
		this.conversationId = id;
		this.opening = true;
		try {
			const detail = await data(conversationRoute().$get({ param: param(id) }));
			if (this.conversationId !== id) return;
			this.title = detail.title;
			this.turns = turnsOf(detail);
		} catch (err) {
			if (this.conversationId === id) this.openError = aiProblemOf(err).message;
		} finally {
			if (this.conversationId === id) this.opening = false;
		}
	}

	/** Asks; the answer streams into a new turn. Refusals (not set up, 429) show on that turn. */
	async send(content: string, context: AiPageContext) {
		if (this.streaming || !content.trim()) return;
		this.turns.push({
			key: localKey(),
			role: 'user',
			content,
			citations: [],
			steps: [],
			actions: [],
			state: 'done',
			problem: null,
			context
		});
		const question = this.turns[this.turns.length - 1]!;
		this.turns.push({
			key: localKey(),
			role: 'assistant',
			content: '',
			citations: [],
			steps: [],
			actions: [],
			state: 'streaming',
			problem: null,
			context: null
		});
		const answer = this.turns[this.turns.length - 1]!;
		const controller = new AbortController();
		this.#controller = controller;
		try {
			if (!this.conversationId) {
				const created = await data(client.api.ai.conversations.$post({ json: {} }, { init: { signal: controller.signal } }));
				this.conversationId = created.id;
			}
			const id = this.conversationId;
			await readEventStream<AssistantStreamEvents>(
				conversationRoute().messages.$post({ param: param(id), json: { content, context } }, { init: { signal: controller.signal } }),
				(name, event) => {
					if (name === 'message') {
						const stored = event as AssistantStreamEvents['message'];
						Object.assign(question, { content: stored.content, context: stored.context });
					} else if (name === 'delta') {
						answer.content += (event as AssistantStreamEvents['delta']).text;
					} else if (name === 'tool_call') {
						const call = event as AssistantStreamEvents['tool_call'];
						answer.steps.push({ id: call.id, name: call.name, arguments: call.arguments, state: 'running', error: null });
					} else if (name === 'tool_result') {
						const result = event as AssistantStreamEvents['tool_result'];
						const step = answer.steps.find((s) => s.id === result.id);
						if (step) Object.assign(step, { state: result.error ? 'failed' : 'done', error: result.error ?? null });
						mergeCitations(answer.citations, result.citations);
					} else if (name === 'action') {
						answer.actions.push(event as AssistantStreamEvents['action']);
					} else if (name === 'done') {
						const done = event as AssistantStreamEvents['done'];
						Object.assign(answer, { content: done.message.content, citations: done.citations, state: 'done' });
						for (const action of done.actions) {
							const at = answer.actions.findIndex((a) => a.id === action.id);
							if (at >= 0) answer.actions[at] = action;
							else answer.actions.push(action);
						}
						for (const step of answer.steps) if (step.state === 'running') step.state = 'done';
					} else if (name === 'error') {
						const error = event as AssistantStreamEvents['error'];
						Object.assign(answer, { state: 'failed', problem: describeAiProblem(error.code, error.message) });
					}
				}
			);
			if (answer.state === 'streaming') {
				Object.assign(answer, { state: 'failed', problem: describeAiProblem('other', 'The answer ended before it was complete. Try again.') });
			}
		} catch (err) {
			if (controller.signal.aborted) answer.state = 'stopped';
			else Object.assign(answer, { state: 'failed', problem: aiProblemOf(err) });
		} finally {
			for (const step of answer.steps) if (step.state === 'running') step.state = answer.state === 'done' ? 'done' : 'failed';
			if (this.#controller === controller) this.#controller = null;
		}
		void this.loadConversations().then(() => {
			const summary = this.conversations.find((c) => c.id === this.conversationId);
			if (summary) this.title = summary.title;
		});
	}

	/** Stops the answer being streamed; what arrived so far stays on screen. */
	stop() {
		this.#controller?.abort();
	}

	/** The last question again, after a refusal or a stop. */
	async retry(context: AiPageContext) {
		const last = this.turns.findLastIndex((t) => t.role === 'user');
		const question = this.turns[last];
		if (!question || this.streaming) return;
		this.turns.splice(last);
		await this.send(question.content, context);
	}

	async settle(actionId: string, how: 'confirm' | 'dismiss') {
		if (!this.conversationId || this.actionBusy[actionId]) return;
		const id = this.conversationId;
		this.actionBusy[actionId] = true;
		delete this.actionErrors[actionId];
		try {
			const route = conversationRoute().actions[':actionId'];
			const params = { param: { id: encodeURIComponent(id), actionId: encodeURIComponent(actionId) } };
			const next = await data(how === 'confirm' ? route.confirm.$post(params) : route.dismiss.$post(params));
			this.#replaceAction(next);
		} catch (err) {
			this.actionErrors[actionId] = err instanceof ApiError ? err.message : aiProblemOf(err).message;
			// A refused change may have been marked failed on the server; show its state as stored.
			await data(conversationRoute().$get({ param: param(id) }))
				.then((detail) => detail.actions.forEach((a) => this.#replaceAction(a)))
				.catch(() => undefined);
		} finally {
			delete this.actionBusy[actionId];
		}
	}

	#replaceAction(next: AiActionView) {
		for (const turn of this.turns) {
			const at = turn.actions.findIndex((a) => a.id === next.id);
			if (at >= 0) turn.actions[at] = next;
		}
	}
}

export const assistantChat = new AssistantChat();
