/**
 * Schedules picked in words (every day at 9:00, weekdays, a weekday, hourly)
 * or typed as a five-field cron; either way the trigger stores a cron the
 * server parses with croner in the chosen time zone.
 */

export type ScheduleFrequency = 'hourly' | 'daily' | 'weekdays' | 'weekly' | 'monthly' | 'custom';

export interface SchedulePlan {
	frequency: ScheduleFrequency;
	/** "HH:MM" for daily and longer. */
	time: string;
	/** 0 = Sunday, for weekly. */
	weekday: number;
	/** 1–28, for monthly. */
	dayOfMonth: number;
	minute: number;
	cron: string;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

const pad = (n: number) => String(n).padStart(2, '0');

export function planToCron(plan: SchedulePlan): string {
	const [h, m] = plan.time.split(':').map((part) => Number(part));
	const hour = Number.isFinite(h) ? h : 9;
	const minute = Number.isFinite(m) ? m : 0;
	switch (plan.frequency) {
		case 'hourly':
			return `${plan.minute} * * * *`;
		case 'daily':
			return `${minute} ${hour} * * *`;
		case 'weekdays':
			return `${minute} ${hour} * * 1-5`;
		case 'weekly':
			return `${minute} ${hour} * * ${plan.weekday}`;
		case 'monthly':
			return `${minute} ${hour} ${plan.dayOfMonth} * *`;
		case 'custom':
			return plan.cron.trim();
	}
}

/** Reads a cron back into the picker; anything it cannot say in words stays "custom". */
export function cronToPlan(cron: string): SchedulePlan {
	const plan: SchedulePlan = { frequency: 'custom', time: '09:00', weekday: 1, dayOfMonth: 1, minute: 0, cron };
	const parts = cron.trim().split(/\s+/);
	if (parts.length !== 5) return plan;
	const [min, hour, dom, month, dow] = parts as [string, string, string, string, string];
	const num = (v: string) => (/^\d+$/.test(v) ? Number(v) : null);
	const minute = num(min);
	if (minute === null || month !== '*') return plan;
	if (hour === '*' && dom === '*' && dow === '*') return { ...plan, frequency: 'hourly', minute };
	const h = num(hour);
	if (h === null) return plan;
	const time = `${pad(h)}:${pad(minute)}`;
	if (dom === '*' && dow === '*') return { ...plan, frequency: 'daily', time };
	if (dom === '*' && dow === '1-5') return { ...plan, frequency: 'weekdays', time };
	const d = num(dow);
	if (dom === '*' && d !== null && d <= 6) return { ...plan, frequency: 'weekly', time, weekday: d };
	const day = num(dom);
	if (dow === '*' && day !== null && day >= 1 && day <= 28) return { ...plan, frequency: 'monthly', time, dayOfMonth: day };
	return plan;
}

export function describeCron(cron: string): string {
	const plan = cronToPlan(cron);
	switch (plan.frequency) {
		case 'hourly':
			return `Every hour at :${pad(plan.minute)}`;
		case 'daily':
			return `Every day at ${plan.time}`;
		case 'weekdays':
			return `Every weekday at ${plan.time}`;
		case 'weekly':
			return `Every ${WEEKDAYS[plan.weekday]} at ${plan.time}`;
		case 'monthly':
			return `On day ${plan.dayOfMonth} of every month at ${plan.time}`;
		case 'custom':
			return `On schedule ${cron}`;
	}
}

/** The browser's IANA zones, the user's own first. */
export function timeZones(): string[] {
	const own = Intl.DateTimeFormat().resolvedOptions().timeZone;
	const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : ['UTC'];
	return [own, ...all.filter((zone) => zone !== own)];
}
