/** Types for seed-automation.mjs, so a test can give an organization with the demo's records its segments, workflows and first run. */
export function seedAutomation(ctx: { base: string; token: string; log?: (line: string) => void }): Promise<{
  segments: number;
  workflows: number;
  run: { id: string; status: string } | null;
}>;
