/** Shapes of the AI settings API (worker/ai/settings), derived from its routes. Times are epoch ms. */
import type { InferRequestType } from 'hono/client';
import type { client, DataOf } from '$lib/api/typed-api';

type Ai = typeof client.api.ai;

export type AiStatus = DataOf<ReturnType<Ai['status']['$get']>>;
export type AiRoute = NonNullable<AiStatus['chat']>;
export type AiSettings = DataOf<ReturnType<Ai['settings']['$get']>>;
/** What a PUT may change; a field left out keeps its value, null clears it. */
export type AiSettingsChange = InferRequestType<Ai['settings']['$put']>['json'];
export type AiConnectionTest = DataOf<ReturnType<Ai['settings']['test']['$post']>>;
export type AiUsage = DataOf<ReturnType<Ai['usage']['$get']>>;
export type AiUsageByUser = AiUsage['byUser'][number];
export type AiUsageByFeature = AiUsage['byFeature'][number];

export const AI_FEATURE_LABELS: Record<string, string> = {
	assistant: 'Assistant',
	ticket_draft: 'Ticket reply drafts',
	call_transcript: 'Call transcripts',
	call_summary: 'Call summaries',
	workflow: 'Workflow actions'
};

export const AI_PROVIDER_LABELS: Record<AiRoute['provider'], string> = {
	openai: 'OpenAI-compatible',
	'workers-ai': 'Workers AI'
};
