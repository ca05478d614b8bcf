/**
 * A call's transcript (worker/ai/transcripts): its shapes from the typed
 * client, the requests the call drawer makes, and the small helpers that
 * label speakers, print timestamps and find the segment being played.
 */
import type { InferRequestType } from 'hono/client';
import { client, data, type DataOf } from '$lib/api/typed-api';

const transcriptRoute = client.api.ai.calls[':id'].transcript;

export type CallTranscript = DataOf<ReturnType<typeof transcriptRoute.$get>>;
export type TranscriptSegmentView = CallTranscript['segments'][number];
export type TranscriptActionItemView = CallTranscript['actionItems'][number];
export type TranscriptDraftChange = InferRequestType<typeof transcriptRoute.$patch>['json'];
export type TranscriptTask = DataOf<ReturnType<(typeof transcriptRoute)['action-items'][':itemId']['task']['$post']>>['task'];

/** The client puts path parameters in as they are; ids come from the address. */
const param = (callId: string) => ({ id: encodeURIComponent(callId) });

export const loadCallTranscript = (callId: string) => data(transcriptRoute.$get({ param: param(callId) }));

export const saveTranscriptDrafts = (callId: string, json: TranscriptDraftChange) => data(transcriptRoute.$patch({ param: param(callId), json }));

export const retryCallTranscript = (callId: string) => data(transcriptRoute.retry.$post({ param: param(callId) }));

export const taskFromActionItem = (callId: string, itemId: string) =>
	data(transcriptRoute['action-items'][':itemId'].task.$post({ param: { ...param(callId), itemId: encodeURIComponent(itemId) } }));

export const SPEAKER_LABELS: Record<TranscriptSegmentView['speaker'], string> = {
	agent: 'Agent',
	customer: 'Customer',
	speaker: 'Speaker'
};

/** `m:ss` (or `h:mm:ss`) from seconds into the recording. */
export function clockOf(seconds: number): string {
	const s = Math.max(0, Math.floor(seconds));
	const h = Math.floor(s / 3600);
	const m = Math.floor((s % 3600) / 60);
	const rest = String(s % 60).padStart(2, '0');
	return h ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

/**
 * The segment being heard at `time`: of those under way, the one that began
 * last (when both parties talk at once, the one who just cut in); -1 in a
 * pause between segments.
 */
export function segmentAt(segments: readonly TranscriptSegmentView[], time: number): number {
	let found = -1;
	segments.forEach((s, i) => {
		if (s.start <= time && time < s.end && (found < 0 || s.start >= segments[found]!.start)) found = i;
	});
	return found;
}

/** Where the task made from an action item shows: on the timeline of the record it is linked to. */
export function taskHref(task: Pick<TranscriptTask, 'contactId' | 'dealId' | 'leadId'>): string | null {
	if (task.dealId) return `/deals/${encodeURIComponent(task.dealId)}`;
	if (task.contactId) return `/contacts/${encodeURIComponent(task.contactId)}`;
	if (task.leadId) return `/leads/${encodeURIComponent(task.leadId)}`;
	return null;
}
