/** GET /api/support/analytics (worker/routes/support-analytics.ts). Durations in minutes. */
interface Duration {
	median: number | null;
	p90: number | null;
}

export interface Summary {
	created: number;
	solved: number;
	firstResponse: { count: number; businessMinutes: Duration; wallMinutes: Duration };
	resolution: { count: number; businessMinutes: Duration; wallMinutes: Duration };
	sla: { decided: number; met: number; percent: number | null };
}

export interface Analytics {
	from: number;
	to: number;
	timeZone: string;
	totals: Summary;
	days: { date: string; created: number; solved: number; backlog: number }[];
	perAgent: (Summary & { assigneeId: string | null; name: string | null })[];
	perChannel: (Summary & { channel: string })[];
}
