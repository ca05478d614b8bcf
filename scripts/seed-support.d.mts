/** Types for seed-support.mjs, so tests can seed the demo support desk. */
export function seedSupport(
  api: (path: string, body?: unknown) => Promise<any>,
  ctx: { base: string; token: string; log?: (line: string) => void; fetch?: (url: string, init?: RequestInit) => Promise<Response> },
): Promise<{ teams: number; tickets: number }>;
