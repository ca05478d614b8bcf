/** A segment's filter in words, for its page ("tag vip · no activity in 30 days"). */
const DAY_FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const date = (ms: string) => DAY_FORMAT.format(new Date(Number(ms)));

const PHRASES: Record<string, (value: string) => string> = {
	q: (v) => `matching “${v}”`,
	tag: (v) => `tagged ${v}`,
	ownerId: () => 'one owner',
	status: (v) => `status ${v}`,
	source: (v) => `source ${v}`,
	minScore: (v) => `score ${v}+`,
	maxScore: (v) => `score up to ${v}`,
	companyId: () => 'one company',
	companyTag: (v) => `company tagged ${v}`,
	email: (v) => `email ${v}`,
	createdAfter: (v) => `added since ${date(v)}`,
	createdBefore: (v) => `added before ${date(v)}`,
	updatedAfter: (v) => `updated since ${date(v)}`,
	updatedBefore: (v) => `updated before ${date(v)}`,
	lastActivityAfter: (v) => `active since ${date(v)}`,
	lastActivityBefore: (v) => `no activity since ${date(v)}`,
	activeWithinDays: (v) => `active in the last ${v} days`,
	inactiveForDays: (v) => `no activity in ${v} days`
};

export function describeSegmentFilter(filter: Record<string, string>): string {
	const parts = Object.entries(filter).map(([key, value]) => (PHRASES[key] ?? ((v: string) => `${key} ${v}`))(value));
	return parts.length ? parts.join(' · ') : 'all of them';
}
