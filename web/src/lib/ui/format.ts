/**
 * Avatar colours. Full class names are spelled out so Tailwind finds them; the
 * hex goes into awareness so other clients could draw cursors in the same colour.
 */
const PALETTE = [
	{ hex: '#4f46e5', className: 'bg-indigo-600 text-white' },
	{ hex: '#0891b2', className: 'bg-cyan-600 text-white' },
	{ hex: '#059669', className: 'bg-emerald-600 text-white' },
	{ hex: '#d97706', className: 'bg-amber-600 text-white' },
	{ hex: '#db2777', className: 'bg-pink-600 text-white' },
	{ hex: '#7c3aed', className: 'bg-violet-600 text-white' },
	{ hex: '#2563eb', className: 'bg-blue-600 text-white' },
	{ hex: '#e11d48', className: 'bg-rose-600 text-white' }
] as const;

/** A stable colour per id (FNV-1a plus a final mix, so similar uuidv7 ids still spread). */
export function colorFor(id: string) {
	let hash = 0x811c9dc5;
	for (let i = 0; i < id.length; i++) {
		hash ^= id.charCodeAt(i);
		hash = Math.imul(hash, 0x01000193);
	}
	hash ^= hash >>> 16;
	hash = Math.imul(hash, 0x85ebca6b);
	hash ^= hash >>> 13;
	return PALETTE[(hash >>> 0) % PALETTE.length] ?? PALETTE[0];
}

export function initials(name: string): string {
	const parts = name.trim().split(/\s+/).filter(Boolean);
	const first = parts[0]?.[0] ?? '?';
	const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
	return (first + last).toUpperCase();
}

const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const DATE_TIME = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const TIME = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });

function parse(value: string | number): Date | null {
	const date = new Date(value);
	return Number.isNaN(date.getTime()) ? null : date;
}

export function formatDate(value: string | number): string {
	const d = parse(value);
	return d ? DATE.format(d) : '—';
}

export function formatDateTime(value: string | number): string {
	const d = parse(value);
	return d ? DATE_TIME.format(d) : '—';
}

export function formatTime(value: string | number): string {
	const d = parse(value);
	return d ? TIME.format(d) : '';
}

/** Page names for "what are they looking at" in the presence list. */
export function viewLabel(path: string): string {
	if (path === '/' || path === '') return 'Dashboard';
	if (path.startsWith('/members')) return 'Members';
	if (path.startsWith('/settings')) return 'Settings';
	if (path.startsWith('/deals/')) return 'a deal';
	const segment = path.split('/').filter(Boolean)[0] ?? '';
	return segment ? segment[0]!.toUpperCase() + segment.slice(1) : 'Dashboard';
}

export function greeting(now = new Date()): string {
	const hour = now.getHours();
	if (hour < 12) return 'Good morning';
	if (hour < 18) return 'Good afternoon';
	return 'Good evening';
}
