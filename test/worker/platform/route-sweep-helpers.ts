import { env } from "cloudflare:workers";
import { api } from "../../helpers";

/** The parts of an OpenAPI 3.1 document the route sweeps read. */
export interface Operation {
  security?: unknown[];
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
}
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  minLength?: number;
  minimum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  format?: string;
  pattern?: string;
  default?: unknown;
};
export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

export interface DocumentedOperation {
  method: string;
  template: string;
  op: Operation;
}

export async function documentedOperations(): Promise<{ doc: OpenApiDoc; operations: DocumentedOperation[] }> {
  const doc = (await api("/api/openapi.json")).body as unknown as OpenApiDoc;
  const operations: DocumentedOperation[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) operations.push({ method: method.toUpperCase(), template, op });
  }
  return { doc, operations };
}

export const isMutation = (method: string) => method !== "GET" && method !== "HEAD";

function resolve(doc: OpenApiDoc, schema: JsonSchema | undefined): JsonSchema {
  if (!schema) return {};
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split("/").pop()!]);
  return schema;
}

export function jsonBodySchema(doc: OpenApiDoc, op: Operation): JsonSchema | null {
  const schema = op.requestBody?.content?.["application/json"]?.schema;
  return schema ? resolve(doc, schema) : null;
}

/**
 * A body that passes the route's own validation, built from its documented
 * schema: a sweep that sends `{}` would be stopped by validation before it
 * reached the access check it means to test.
 */
export function exampleOf(doc: OpenApiDoc, raw: JsonSchema | undefined, depth = 0): unknown {
  const schema = resolve(doc, raw);
  if (depth > 6) return undefined;
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  if (schema.default !== undefined) return schema.default;
  const variants = schema.anyOf ?? schema.oneOf;
  if (variants?.length) {
    const concrete = variants.map((v) => resolve(doc, v)).find((v) => v.type !== "null") ?? variants[0];
    return exampleOf(doc, concrete, depth + 1);
  }
  if (schema.allOf?.length) return Object.assign({}, ...schema.allOf.map((s) => exampleOf(doc, s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = exampleOf(doc, schema.properties?.[key], depth + 1);
      return out;
    }
    case "array":
      return Array.from({ length: schema.minItems ?? 0 }, () => exampleOf(doc, schema.items, depth + 1));
    case "integer":
    case "number":
      return Math.max(1, Math.ceil(schema.minimum ?? (schema.exclusiveMinimum ?? 0) + 1));
    case "boolean":
      return false;
    case "string":
      if (schema.format === "email") return "sweep@example.com";
      if (schema.format === "uri" || schema.format === "url") return "https://example.com/";
      if (schema.format === "date-time") return "2026-01-15T10:00:00.000Z";
      if (schema.format === "date") return "2026-01-15";
      return "x".repeat(Math.max(1, schema.minLength ?? 1));
    default:
      return "x";
  }
}

/** A value of the wrong kind for a property, as a hostile client sends in place of a real field; undefined when anything goes. */
export function wrongValueFor(doc: OpenApiDoc, raw: JsonSchema | undefined): unknown {
  const kinds = new Set<string>();
  const collect = (s: JsonSchema) => {
    const r = resolve(doc, s);
    for (const v of [...(r.anyOf ?? []), ...(r.oneOf ?? [])]) collect(v);
    for (const t of [r.type ?? []].flat()) kinds.add(t);
  };
  collect(resolve(doc, raw));
  if (kinds.size === 0) return undefined;
  if (!kinds.has("object")) return { $gt: "" };
  if (!kinds.has("string")) return "' OR 1=1 --";
  if (!kinds.has("array")) return ["🔥"];
  return 1e308;
}

const DERIVED = /(_fts|_fts_data|_fts_idx|_fts_docsize|_fts_config|_fts_content)$/;

/**
 * Tables the queue consumer appends to for a while after the writes that
 * raised their rows: a fixture's own events may still be arriving when a
 * snapshot is taken, so only rows that occurred after it are compared.
 */
const APPEND_ONLY_LOGS: Record<string, string> = { automation_events: "occurred_at" };

async function serialiseDatabase(since: number): Promise<string> {
  const { results } = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT IN ('d1_migrations', 'rate_limits') ORDER BY name",
  ).all<{ name: string }>();
  const parts: string[] = [];
  for (const { name } of results) {
    if (DERIVED.test(name)) continue;
    const log = APPEND_ONLY_LOGS[name];
    const rows = log
      ? await env.DB.prepare(`SELECT * FROM "${name}" WHERE "${log}" > ? ORDER BY rowid`).bind(since).all()
      : await env.DB.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all().catch(() => env.DB.prepare(`SELECT * FROM "${name}"`).all());
    parts.push(`${name}:${JSON.stringify(rows.results)}`);
  }
  return parts.join("\n");
}

export interface DatabaseSnapshot {
  /** Every row, serialised. */
  readonly text: string;
  /** A line per table that differs now, so a failure names what was written. */
  changes(): Promise<string[]>;
}

/**
 * Every row of every table except per-request bookkeeping (rate-limit
 * counters, refresh-token use): no changes later means a refused request
 * wrote nothing anywhere.
 */
export async function databaseSnapshot(): Promise<DatabaseSnapshot> {
  const since = Date.now();
  const text = await serialiseDatabase(since);
  return {
    text,
    async changes() {
      const before = new Map(text.split("\n").map((l) => [l.slice(0, l.indexOf(":")), l] as const));
      const out: string[] = [];
      for (const line of (await serialiseDatabase(since)).split("\n")) {
        const table = line.slice(0, line.indexOf(":"));
        if (before.get(table) !== line) out.push(`${table} changed`);
      }
      return out;
    },
  };
}

/** Runs `jobs` with at most `limit` in flight: the route list is long and each request is independent. */
export async function pool<T>(jobs: (() => Promise<T>)[], limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: limit }, worker));
}
