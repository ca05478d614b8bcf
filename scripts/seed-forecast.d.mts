/** Types for seed-forecast.mjs, so a browser test can give a fresh organization the demo's forecast history and targets. */
export function seedForecast(ctx: { base: string; token: string; log?: (line: string) => void }): Promise<{ created: boolean }>;
