import { and, eq } from "drizzle-orm";
import { companyService, contactService, getDeal, leadService } from "../../../crm";
import { orgDb } from "../../../platform/db";
import { AppError } from "../../../platform/errors";
import { actorOf } from "../../../platform/records";
import { memberships, users } from "../../../../schema";
import type { ActionContext } from "./action-registry";

/**
 * `{{path}}` placeholders in action texts (`{{title}}`, `{{company.name}}`,
 * `{{owner.name}}`, `{{contact.email}}`, `{{amount}}`), filled from the
 * triggering record and the records it links to. Linked records are read
 * through their services with the workflow owner's authority, so a template
 * shows nothing its owner could not see; an unknown path renders empty.
 */
export type TemplateScope = Record<string, unknown>;

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/** The member who owns (or is assigned) the record, by the field each kind names it in. */
const OWNER_FIELDS = ["ownerId", "assigneeId", "agentUserId"] as const;

const personName = (p: Record<string, unknown>) => [p.firstName, p.lastName].filter((v) => typeof v === "string" && v).join(" ");

/** A linked record the owner may not see (or that is gone) is simply absent. */
async function visibleOrNull<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") return null;
    throw err;
  }
}

async function member(ctx: ActionContext, userId: unknown) {
  if (typeof userId !== "string" || !userId) return null;
  const row = await orgDb(ctx.env, ctx.orgId)
    .select({ id: users.id, name: users.name, email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, ctx.orgId)))
    .where(eq(users.id, userId))
    .get();
  return row ?? null;
}

/** The record and what it links to, as the workflow owner may see them. */
export async function templateScope(ctx: ActionContext): Promise<TemplateScope> {
  const record: Record<string, unknown> = ctx.record ?? ctx.event.record ?? {};
  const db = orgDb(ctx.env, ctx.orgId);
  const actor = actorOf(ctx.actor, ctx.requestId);
  const id = (key: string) => (typeof record[key] === "string" && record[key] ? (record[key] as string) : null);
  const [company, contact, lead, deal, owner] = await Promise.all([
    id("companyId") ? visibleOrNull(() => companyService.get(db, ctx.orgId, actor, id("companyId")!)) : null,
    id("contactId") ? visibleOrNull(() => contactService.get(db, ctx.orgId, actor, id("contactId")!)) : null,
    id("leadId") ? visibleOrNull(() => leadService.get(db, ctx.orgId, actor, id("leadId")!)) : null,
    id("dealId") ? visibleOrNull(() => getDeal(db, ctx.actor, id("dealId")!)) : null,
    member(ctx, OWNER_FIELDS.map((f) => record[f]).find((v) => typeof v === "string" && v)),
  ]);
  const withName = (p: Record<string, unknown> | null) => (p ? { ...p, name: personName(p) } : null);
  const self = "firstName" in record ? { name: personName(record) } : {};
  return {
    ...record,
    ...self,
    previous: ctx.event.previous ?? {},
    company,
    contact: withName(contact as Record<string, unknown> | null),
    lead: withName(lead as Record<string, unknown> | null),
    deal,
    owner,
    workflow: { name: ctx.workflow.name },
    event: { type: ctx.event.type, occurredAt: new Date(ctx.event.occurredAt).toISOString() },
  };
}

function lookup(scope: TemplateScope, path: string): unknown {
  let value: unknown = scope;
  for (const key of path.split(".")) {
    if (value === null || typeof value !== "object" || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (Array.isArray(value)) return value.filter((v) => typeof v !== "object").map(String).join(", ");
  if (typeof value === "object") return "";
  return String(value);
}

export const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");

/** Fills the placeholders; `html` escapes what is filled in (never the template's own text) for an HTML target. */
export function renderTemplate(template: string, scope: TemplateScope, options: { html?: boolean } = {}): string {
  return template.replace(PLACEHOLDER, (_, path: string) => {
    const text = asText(lookup(scope, path));
    return options.html ? escapeHtml(text) : text;
  });
}

/** A field value for `set_fields`: a string that is exactly one placeholder keeps the value's type (`{{amount}}` stays a number). */
export function renderValue(value: unknown, scope: TemplateScope): unknown {
  if (typeof value !== "string") return value;
  const whole = /^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$/.exec(value);
  if (whole) return lookup(scope, whole[1]!) ?? null;
  return renderTemplate(value, scope);
}
