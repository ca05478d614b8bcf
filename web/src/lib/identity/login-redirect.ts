/** A same-origin path from `?next=`, or the dashboard. Rejects `//host` and absolute URLs. */
export function safeNext(value: string | null | undefined): string {
	if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\')) {
		return '/';
	}
	return value;
}

export function loginUrl(next: string): string {
	return next && next !== '/' ? `/login?next=${encodeURIComponent(next)}` : '/login';
}
