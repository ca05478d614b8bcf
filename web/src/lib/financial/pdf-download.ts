/**
 * A document's PDF: the route wants the bearer token, so the file is fetched
 * into a blob URL and handed to the browser (opened in a tab, or saved).
 */
import { ApiError, authedFetch } from '$lib/api/api-client';
import { client } from '$lib/api/typed-api';

async function failure(res: Response): Promise<ApiError> {
	const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
	return new ApiError(res.status, body?.error?.code ?? 'error', body?.error?.message ?? `Could not get the PDF (${res.status})`);
}

/** The file name the server offers (`INV-2026-0001.pdf`, `draft-<id>.pdf`). */
function fileNameOf(res: Response, fallback: string) {
	const match = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
	return match?.[1] ?? fallback;
}

export async function fetchInvoicePdf(invoiceId: string): Promise<{ blob: Blob; fileName: string }> {
	const res = await authedFetch(client.api.financial.invoices[':id'].pdf.$url({ param: { id: encodeURIComponent(invoiceId) } }));
	if (!res.ok) throw await failure(res);
	return { blob: await res.blob(), fileName: fileNameOf(res, `${invoiceId}.pdf`) };
}

export async function downloadInvoicePdf(invoiceId: string): Promise<void> {
	const { blob, fileName } = await fetchInvoicePdf(invoiceId);
	const url = URL.createObjectURL(blob);
	try {
		const link = document.createElement('a');
		link.href = url;
		link.download = fileName;
		document.body.append(link);
		link.click();
		link.remove();
	} finally {
		setTimeout(() => URL.revokeObjectURL(url), 10_000);
	}
}

/** Opens the PDF in a new tab; the tab is opened first so popup blockers see the click. */
export async function openInvoicePdf(invoiceId: string): Promise<void> {
	const tab = window.open('', '_blank');
	try {
		const { blob } = await fetchInvoicePdf(invoiceId);
		const url = URL.createObjectURL(blob);
		if (tab) tab.location.href = url;
		else window.location.href = url;
		setTimeout(() => URL.revokeObjectURL(url), 60_000);
	} catch (err) {
		tab?.close();
		throw err;
	}
}
