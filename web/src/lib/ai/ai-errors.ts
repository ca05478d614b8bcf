/**
 * What to tell someone when an AI request is refused, by the API's error code:
 * nothing set up, a spent budget or a rate limit (and when to try again), the
 * provider's own refusal, or a base URL the Worker may not contact.
 */
import { ApiError } from '$lib/api/api-client';
import { formatDateTime } from '$lib/ui/format';

export interface AiProblem {
	kind: 'not_configured' | 'budget' | 'rate' | 'provider' | 'blocked' | 'other';
	title: string;
	message: string;
	/** When a retry may succeed (epoch ms), for budgets and rate limits. */
	retryAt: number | null;
}

function seconds(n: number) {
	if (n < 90) return `${n} second${n === 1 ? '' : 's'}`;
	const minutes = Math.ceil(n / 60);
	return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

const budgetOf = (details: unknown) =>
	details && typeof details === 'object' && 'budget' in details ? String((details as { budget: unknown }).budget) : null;

export function describeAiProblem(code: string, message: string, details?: unknown, retryAfter: number | null = null): AiProblem {
	const retryAt = retryAfter !== null ? Date.now() + retryAfter * 1000 : null;
	switch (code) {
		case 'not_configured':
			return { kind: 'not_configured', title: 'AI is not set up', message, retryAt: null };
		case 'rate_limited': {
			const budget = budgetOf(details);
			if (budget) {
				const what = budget === 'audio' ? 'audio minutes' : 'tokens';
				const when = retryAt ? ` It renews ${formatDateTime(retryAt)}.` : '';
				return {
					kind: 'budget',
					title: 'Monthly AI budget spent',
					message: `This organization has used this month's ${what}.${when} An owner or admin can raise the budget under Settings → AI.`,
					retryAt
				};
			}
			return {
				kind: 'rate',
				title: 'Too many AI requests',
				message: retryAfter !== null ? `Try again in ${seconds(retryAfter)}.` : 'Wait a moment and try again.',
				retryAt
			};
		}
		case 'provider_error':
			return { kind: 'provider', title: 'The model provider refused', message, retryAt: null };
		case 'outbound_blocked':
			return { kind: 'blocked', title: 'That address is not allowed', message, retryAt: null };
		default:
			return { kind: 'other', title: 'Something went wrong', message, retryAt: null };
	}
}

/** A failed request (or anything thrown) as an `AiProblem`. */
export function aiProblemOf(err: unknown): AiProblem {
	if (err instanceof ApiError) return describeAiProblem(err.code, err.message, err.details, err.retryAfter);
	return describeAiProblem('other', err instanceof Error ? err.message : 'The request failed.');
}
