/** Types for seed-scoring.mjs, so a browser test can give a fresh organization the demo's scoring history. */
export function seedScoring(ctx: { base: string; token: string; log?: (line: string) => void }): Promise<void>;
