import { z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import { contactService } from "../../../crm";
import { orgDb } from "../../../platform/db";
import { AppError, setupMissing } from "../../../platform/errors";
import { forbidden } from "../../../platform/errors";
import { mailDomain, mailStatus, sendMime } from "../../../platform/mail-sender";
import { buildMime } from "../../../platform/mime-message";
import { can } from "../../../platform/permissions";
import { actorOf } from "../../../platform/records";
import { memberships, organizations, users } from "../../../../schema";
import { actionExecutor, type ActionContext } from "./action-registry";
import { escapeHtml, renderTemplate, templateScope, type TemplateScope } from "./action-templates";

/**
 * `send_email`: a message built from the subject and body templates, to the
 * record's contact, its owner or a fixed address, through the deployment's
 * outbound sender (worker/platform/mail-sender.ts). Without one the step
 * fails saying mail is not configured; it never pretends to have sent.
 * Its Message-ID is fixed by the run and step, so a receiver can tell a
 * resend after a crash from a second message.
 */

const Address = z.string().trim().toLowerCase().email().max(254);

function emailIn(value: unknown): string | null {
  const parsed = Address.safeParse(value);
  return parsed.success ? parsed.data : null;
}

async function recipient(ctx: ActionContext, to: { kind: "record_contact" } | { kind: "record_owner" } | { kind: "address"; address: string }, scope: TemplateScope) {
  const record: Record<string, unknown> = ctx.record ?? ctx.event.record ?? {};
  if (to.kind === "address") return emailIn(to.address);
  if (to.kind === "record_owner") return emailIn((scope.owner as { email?: string } | null)?.email);
  if (ctx.event.entity === "contact" || ctx.event.entity === "lead") return emailIn(record.email);
  const contactId = typeof record.contactId === "string" ? record.contactId : null;
  if (contactId) {
    const contact = await contactService.get(orgDb(ctx.env, ctx.orgId), ctx.orgId, actorOf(ctx.actor, ctx.requestId), contactId).catch(() => null);
    const email = emailIn((contact as { email?: unknown } | null)?.email);
    if (email) return email;
  }
  return emailIn(record.requesterEmail);
}

async function senderName(ctx: ActionContext) {
  const row = await orgDb(ctx.env, ctx.orgId).select({ name: organizations.name }).from(organizations).where(eq(organizations.id, ctx.orgId)).get();
  return row?.name ?? "NeuraCRM";
}

async function ownerReplyTo(ctx: ActionContext) {
  const row = await orgDb(ctx.env, ctx.orgId)
    .select({ email: users.email })
    .from(users)
    .innerJoin(memberships, and(eq(memberships.userId, users.id), eq(memberships.orgId, ctx.orgId)))
    .where(eq(users.id, ctx.actor.userId))
    .get();
  return row?.email;
}

const paragraphs = (text: string) =>
  text
    .split(/\n{2,}/)
    .map((p) => `<p>${p.split("\n").join("<br>")}</p>`)
    .join("\n");

export const sendEmailAction = actionExecutor("send_email", async (ctx, action) => {
  if (!can(ctx.actor.role, "records:write")) throw forbidden(`The workflow's owner (${ctx.actor.role}) may not email on the organization's behalf`);
  const status = mailStatus(ctx.env, "workflow emails cannot be sent until then");
  if (!status.configured) throw setupMissing(`Mail is not configured. ${status.message}`);
  const scope = await templateScope(ctx);
  const to = await recipient(ctx, action.to, scope);
  if (!to) throw new AppError("validation_error", `No email address to send to (${action.to.kind.replace("_", " ")})`);
  const subject = renderTemplate(action.subject, scope).replace(/[\r\n]+/g, " ").trim();
  if (!subject) throw new AppError("validation_error", "The subject is empty once filled in");
  const text = renderTemplate(action.body, scope);
  const html = paragraphs(renderTemplate(escapeHtml(action.body), scope, { html: true }));
  const domain = mailDomain(ctx.env);
  const from = `workflows@${domain}`;
  const messageId = `<workflow-${ctx.run.id}-${encodeURIComponent(ctx.stepKey)}@${domain}>`;
  const replyTo = await ownerReplyTo(ctx);
  const raw = buildMime({
    from: { addr: from, name: await senderName(ctx) },
    to: [{ addr: to }],
    replyTo,
    subject,
    headers: { "Message-ID": messageId, "X-NeuraCRM-Workflow": ctx.workflow.id },
    text,
    html,
  });
  await sendMime(ctx.env, from, to, raw);
  return { to, subject, messageId, provider: status.provider };
});
