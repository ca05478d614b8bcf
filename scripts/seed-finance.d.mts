/** Types for seed-finance.mjs, so a browser test can give an organization with the demo's deals its catalog, invoices, payments and quotes. */
export function seedFinance(ctx: { base: string; token: string; log?: (line: string) => void }): Promise<{ created: boolean }>;
