import { z } from "@hono/zod-openapi";
import { fieldErrors } from "../../platform/http";
import { invalid } from "../../platform/errors";
import { selectionFilterSchema, type SelectableEntity } from "../../crm";

/**
 * A segment's filter is the list's query parameters, saved: it is parsed by
 * the list's own schema (crm's selectionFilterSchema), so a filter the list
 * would refuse is refused here too, with the same field messages. Paging and
 * sort are not part of a selection and are dropped.
 */
export type StoredFilter = Record<string, string | string[]>;

const IGNORED = new Set(["page", "per_page", "sort"]);

/** What a body may carry as a filter: query-parameter values, numbers written as numbers too. */
export const FilterInput = z
  .record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()]))
  .openapi({ description: "The list's query parameters, e.g. {\"tag\": \"vip\", \"inactiveForDays\": \"30\"}", example: { tag: "vip", inactiveForDays: "30" } });

/** The filter as stored (strings, as in a URL), without paging or sort. */
export function storedFilter(input: z.output<typeof FilterInput>): StoredFilter {
  return Object.fromEntries(
    Object.entries(input)
      .filter(([key, value]) => !IGNORED.has(key) && value !== "")
      .map(([key, value]) => [key, String(value)]),
  );
}

/** The filter parsed by the list's schema; a validation error naming each bad parameter as `filter.<name>`. */
export function parseFilter(entity: SelectableEntity, filter: StoredFilter): Record<string, unknown> {
  const parsed = selectionFilterSchema(entity).safeParse(filter);
  if (parsed.success) return parsed.data;
  const details = Object.fromEntries(Object.entries(fieldErrors(parsed.error)).map(([key, messages]) => [key === "_" ? "filter" : `filter.${key}`, messages]));
  throw invalid(details, "The filter is not one the list takes");
}
