import type { ConditionGroup, FieldCondition } from "../../../schema";

/**
 * Whether a record matches a workflow's conditions: pure, so the trigger
 * matcher, branches and the builder's "Test conditions" share one reading.
 * Paths read the record (`amount`), the value before the change
 * (`previous.amount`) or a linked record (`company.industry`, `owner.email`).
 */

export interface ConditionScope {
  record: Record<string, unknown> | null;
  previous: Record<string, unknown> | null;
  linked: Partial<Record<string, Record<string, unknown> | null>>;
}

export interface ConditionResult {
  /** Where the condition sits: `conditions.1.conditions.0`. */
  path: string;
  field?: string;
  operator?: string;
  actual: unknown;
  matches: boolean;
}

export function readPath(scope: ConditionScope, path: string): unknown {
  const dot = path.indexOf(".");
  if (dot < 0) return scope.record?.[path];
  const head = path.slice(0, dot);
  const field = path.slice(dot + 1);
  if (head === "previous") return scope.previous?.[field];
  return scope.linked[head]?.[field];
}

const isEmpty = (v: unknown) => v === null || v === undefined || v === "" || (Array.isArray(v) && v.length === 0);

const asNumber = (v: unknown): number | null => {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return null;
};

/** Equal as the builder means it: numbers by value ("10" = 10), text ignoring case, arrays element by element. */
function same(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) || Array.isArray(b)) return JSON.stringify(a) === JSON.stringify(b);
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na === nb;
  if (typeof a === "boolean" || typeof b === "boolean") return String(a) === String(b);
  return String(a).toLowerCase() === String(b).toLowerCase();
}

function compare(a: unknown, b: unknown): number | null {
  if (isEmpty(a) || isEmpty(b)) return null;
  const na = asNumber(a);
  const nb = asNumber(b);
  if (na !== null && nb !== null) return na - nb;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  return null;
}

function contains(actual: unknown, value: unknown): boolean {
  if (Array.isArray(actual)) return actual.some((item) => same(item, value));
  if (typeof actual === "string" && value !== null && value !== undefined) return actual.toLowerCase().includes(String(value).toLowerCase());
  return false;
}

function oneOf(actual: unknown, values: unknown): boolean {
  const list = Array.isArray(values) ? values : [values];
  if (Array.isArray(actual)) return actual.some((item) => list.some((v) => same(item, v)));
  return list.some((v) => same(actual, v));
}

export function conditionHolds(condition: FieldCondition, scope: ConditionScope): { actual: unknown; matches: boolean } {
  const actual = readPath(scope, condition.field);
  const { value } = condition;
  const c = compare(actual, value);
  switch (condition.operator) {
    case "eq":
      return { actual, matches: same(actual, value) };
    case "neq":
      return { actual, matches: !same(actual, value) };
    case "gt":
      return { actual, matches: c !== null && c > 0 };
    case "gte":
      return { actual, matches: c !== null && c >= 0 };
    case "lt":
      return { actual, matches: c !== null && c < 0 };
    case "lte":
      return { actual, matches: c !== null && c <= 0 };
    case "contains":
      return { actual, matches: contains(actual, value) };
    case "not_contains":
      return { actual, matches: !contains(actual, value) };
    case "in":
      return { actual, matches: oneOf(actual, value) };
    case "not_in":
      return { actual, matches: !oneOf(actual, value) };
    case "is_empty":
      return { actual, matches: isEmpty(actual) };
    case "is_not_empty":
      return { actual, matches: !isEmpty(actual) };
    case "changed": {
      // Only an update has a before; `previous.x` and linked paths cannot change within one event.
      if (!scope.previous || condition.field.includes(".")) return { actual, matches: false };
      return { actual, matches: JSON.stringify(scope.previous[condition.field] ?? null) !== JSON.stringify(actual ?? null) };
    }
  }
}

/** Evaluates every condition (no short cut), so "Test conditions" can show each one's result. */
export function evaluateGroup(group: ConditionGroup, scope: ConditionScope, path = "conditions"): { matches: boolean; results: ConditionResult[] } {
  const results: ConditionResult[] = [];
  const outcomes = group.conditions.map((condition, i) => {
    const at = `${path}.conditions.${i}`;
    if (condition.kind === "group") {
      const inner = evaluateGroup(condition, scope, at);
      results.push(...inner.results, { path: at, actual: null, matches: inner.matches });
      return inner.matches;
    }
    const { actual, matches } = conditionHolds(condition, scope);
    results.push({ path: at, field: condition.field, operator: condition.operator, actual, matches });
    return matches;
  });
  // An empty group matches: "no conditions" means every record.
  const matches = outcomes.length === 0 || (group.match === "all" ? outcomes.every(Boolean) : outcomes.some(Boolean));
  return { matches, results };
}

/** The link names (`company`, `owner`) a group reads, so only those are loaded. */
export function linksUsed(group: ConditionGroup | null | undefined, out = new Set<string>()): Set<string> {
  for (const condition of group?.conditions ?? []) {
    if (condition.kind === "group") linksUsed(condition, out);
    else if (condition.field.includes(".")) {
      const head = condition.field.split(".")[0]!;
      if (head !== "previous") out.add(head);
    }
  }
  return out;
}
