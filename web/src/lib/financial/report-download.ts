/**
 * A report's CSV: the export routes want the bearer token, so the file is
 * fetched into a blob and saved under the name the server gives it.
 */
import { ApiError, authedFetch } from '$lib/api/api-client';

export async function downloadReportCsv(url: string | URL, fallbackName: string): Promise<void> {
	const res = await authedFetch(String(url));
	if (!res.ok) {
		const body = (await res.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
		throw new ApiError(res.status, body?.error?.code ?? 'http_error', body?.error?.message ?? `Export failed (${res.status})`);
	}
	const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallbackName;
	const href = URL.createObjectURL(await res.blob());
	const a = document.createElement('a');
	a.href = href;
	a.download = name;
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(href), 1_000);
}
