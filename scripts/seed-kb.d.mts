/** Types for seed-kb.mjs, so tests can seed the demo knowledge base. */
export function seedKnowledgeBase(api: (path: string, body?: unknown) => Promise<any>): Promise<{ categories: number; articles: number }>;
