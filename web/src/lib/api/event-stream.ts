/**
 * Reads a `text/event-stream` answer of the typed client (the assistant's
 * answers, reply drafts): each event's name and JSON data, in order, typed by
 * the stream's contract in schema/ai-api.ts. A refusal before the stream
 * starts (401, 409 not_configured, 429) throws `ApiError` like `data()` does;
 * an `error` event is handed to the caller like any other.
 */
import { EventSourceParserStream } from 'eventsource-parser/stream';
import { toApiError } from './api-response';

export type StreamHandler<E> = <K extends keyof E & string>(name: K, data: E[K]) => void;

export async function readEventStream<E extends object>(
	pending: Promise<unknown> | unknown,
	on: StreamHandler<E>
): Promise<void> {
	const res = (await pending) as Response;
	if (!res.ok) throw await toApiError(res);
	if (!res.body) return;
	const events = res.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream());
	const reader = events.getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) return;
		const name = (value.event ?? 'message') as keyof E & string;
		on(name, JSON.parse(value.data) as E[typeof name]);
	}
}
