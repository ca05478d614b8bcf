import { actionExecutor, type ActionContext } from "./action-registry";
import { recordAccess, targetOf, validPatch, type ActionRecord } from "./action-records";
import { renderValue, templateScope } from "./action-templates";

/**
 * `set_fields`, `add_tags` and `remove_tags`: a PATCH of the triggering
 * record through its own service. Setting a value is idempotent by nature,
 * so a step Workflows retries after it wrote changes nothing the second time.
 */

/** The values the step actually changed, as the run log shows them. */
function changedValues(before: ActionRecord, after: ActionRecord, keys: string[]) {
  const changed: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of keys) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) changed[key] = { from: before[key] ?? null, to: after[key] ?? null };
  }
  return changed;
}

async function patchTarget(ctx: ActionContext, what: string, patchOf: (record: ActionRecord) => Promise<Record<string, unknown>> | Record<string, unknown>) {
  const { entity, id } = targetOf(ctx);
  const access = recordAccess(ctx, entity, what);
  const before = await access.read(ctx, id);
  const patch = validPatch(access, await patchOf(before));
  const keys = Object.keys(patch);
  const after = keys.length ? await access.update(ctx, id, patch) : before;
  return { entity, id, changed: changedValues(before, after, keys) };
}

export const setFieldsAction = actionExecutor("set_fields", async (ctx, action) => {
  const scope = await templateScope(ctx);
  return patchTarget(ctx, "set fields", () => Object.fromEntries(Object.entries(action.fields).map(([key, value]) => [key, renderValue(value, scope)])));
});

const tagsOf = (record: ActionRecord) => (Array.isArray(record.tags) ? (record.tags as string[]) : []);
const cleaned = (tags: string[]) => [...new Set(tags.map((t) => t.trim()).filter(Boolean))];

/** The registry's `Extract` cannot split the shared `add_tags | remove_tags` body, so its tags are read as such. */
type TagAction = { tags: string[] };

export const addTagsAction = actionExecutor("add_tags", (ctx, action) =>
  patchTarget(ctx, "tag records", (record) => {
    const current = tagsOf(record);
    const added = cleaned((action as unknown as TagAction).tags).filter((t) => !current.includes(t));
    return added.length ? { tags: [...current, ...added] } : {};
  }),
);

export const removeTagsAction = actionExecutor("remove_tags", (ctx, action) =>
  patchTarget(ctx, "untag records", (record) => {
    const drop = new Set(cleaned((action as unknown as TagAction).tags));
    const current = tagsOf(record);
    const kept = current.filter((t) => !drop.has(t));
    return kept.length === current.length ? {} : { tags: kept };
  }),
);
