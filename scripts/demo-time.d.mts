/** Types for demo-time.mjs, so tests can check when the demo's history happens. */
export function pastBusinessTime(
  r: { int: (min: number, max: number) => number },
  daysAgo: number,
  cal: { timeZone: string; workingDays: number[]; startMinute: number; endMinute: number; holidays: string[] },
  latest?: number,
): number;
