import type { Interval } from '$lib/forecast/forecast-api';

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * The dates the page asks for: a few periods back (where slipped deals and
 * past attainment live) to a few ahead. The server places deals by the
 * organization's calendar; the browser's date only picks the window.
 */
export function forecastWindow(interval: Interval, now = new Date()): { from: string; to: string } {
	const span = interval === 'month' ? { back: 3, ahead: 2, size: 1 } : { back: 1, ahead: 2, size: 3 };
	const firstMonth = interval === 'month' ? now.getMonth() : now.getMonth() - (now.getMonth() % 3);
	const start = new Date(now.getFullYear(), firstMonth - span.back * span.size, 1);
	const end = new Date(now.getFullYear(), firstMonth + (span.ahead + 1) * span.size, 0);
	const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
	return { from: day(start), to: day(end) };
}

/** The period holding a local date, as the server names it. */
export function periodOfDay(day: string, interval: Interval): string {
	const month = Number(day.slice(5, 7));
	return interval === 'month' ? day.slice(0, 7) : `${day.slice(0, 4)}-Q${Math.ceil(month / 3)}`;
}
