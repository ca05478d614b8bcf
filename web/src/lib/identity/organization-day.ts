/**
 * Calendar days as the server reads them: a "YYYY-MM-DD" in a query is a day
 * of the organization's time zone, not of the browser's. A page that offers
 * "today" in the browser's zone asks for the wrong day whenever the two
 * dates differ (evenings west of the organization, mornings east of it).
 */
import { session } from './session.svelte';

/** The organization's time zone as the server uses it: UTC when unset or unknown. */
function organizationZone(): string {
	const zone = session.organization?.settings?.timeZone;
	if (!zone) return 'UTC';
	try {
		new Intl.DateTimeFormat('en-US', { timeZone: zone });
		return zone;
	} catch {
		return 'UTC';
	}
}

/** The organization's date ("YYYY-MM-DD") `daysBack` days before the current one. */
export function organizationDay(daysBack = 0, now = Date.now()): string {
	const parts = Object.fromEntries(
		new Intl.DateTimeFormat('en-US', { timeZone: organizationZone(), year: 'numeric', month: 'numeric', day: 'numeric' })
			.formatToParts(now)
			.map((p) => [p.type, Number(p.value)])
	) as Record<string, number>;
	return new Date(Date.UTC(parts.year!, parts.month! - 1, parts.day! - daysBack)).toISOString().slice(0, 10);
}
