/**
 * Ticket attachments: the download route wants the bearer token, so files are
 * fetched into a blob URL instead of linked; uploads go as multipart.
 */
import { ApiError, authedFetch } from '$lib/api/api-client';
import { client, data } from '$lib/api/typed-api';
import type { TicketAttachment } from './ticket-types';

async function failure(res: Response): Promise<ApiError> {
	try {
		const body = (await res.json()) as { error?: { code?: string; message?: string } };
		return new ApiError(res.status, body.error?.code ?? 'error', body.error?.message ?? res.statusText);
	} catch {
		return new ApiError(res.status, 'error', res.statusText || 'Request failed');
	}
}

/** Save an attachment to the user's device. */
export async function downloadAttachment(attachment: TicketAttachment): Promise<void> {
	const res = await authedFetch(client.api.support.attachments[':id'].$url({ param: { id: attachment.id } }));
	if (!res.ok) throw await failure(res);
	const url = URL.createObjectURL(await res.blob());
	try {
		const link = document.createElement('a');
		link.href = url;
		link.download = attachment.filename;
		document.body.append(link);
		link.click();
		link.remove();
	} finally {
		setTimeout(() => URL.revokeObjectURL(url), 10_000);
	}
}

/** Upload one file to a ticket, optionally onto one of its comments. */
export async function uploadAttachment(ticketId: string, file: File, commentId?: string): Promise<TicketAttachment> {
	const form = new FormData();
	form.append('file', file, file.name);
	if (commentId) form.append('commentId', commentId);
	const res = await authedFetch(client.api.support.tickets[':id'].attachments.$url({ param: { id: ticketId }, query: {} }), {
		method: 'POST',
		body: form
	});
	if (!res.ok) throw await failure(res);
	return ((await res.json()) as { data: TicketAttachment }).data;
}

/** Tell the room what this user does on a ticket; `keepalive` lets "left" go out while the page unloads. */
export async function sendPresence(ticketId: string, activity: 'viewing' | 'replying' | 'left'): Promise<void> {
	await data(
		client.api.support.tickets[':id'].presence.$post(
			{ param: { id: ticketId }, json: { activity } },
			{ init: { keepalive: activity === 'left' } }
		)
	);
}
