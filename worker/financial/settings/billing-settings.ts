import { eq } from "drizzle-orm";
import { billingSettings } from "../../../schema";
import type { AuthContext } from "../../platform/env";
import type { Db } from "../../platform/db";
import { auditStatement } from "../../platform/audit-writer";
import { invalid } from "../../platform/errors";
import { localDateOf, orgTimeZone } from "../../platform/local-time";
import { changesOf } from "../../platform/records";
import { DEFAULT_NUMBER_FORMAT, formatHasSequence, formatNumber, parseNumberFormat } from "./document-numbering";

export type BillingSettings = typeof billingSettings.$inferSelect;

/** What the organization edits here; the sequences are not in it, since only a finalization may move them. */
export interface BillingSettingsInput {
  legalName?: string | null;
  address?: string | null;
  taxId?: string | null;
  email?: string | null;
  invoicePrefix?: string;
  invoiceNumberFormat?: string;
  quotePrefix?: string;
  defaultDueDays?: number;
  quoteValidDays?: number;
  paymentTerms?: string | null;
  footer?: string | null;
}

/** The settings as documents use them: the stored row, or the defaults of the table before the first save. */
export async function getBillingSettings(db: Db, orgId: string): Promise<BillingSettings> {
  const row = await db.select().from(billingSettings).where(eq(billingSettings.orgId, orgId)).get();
  return (
    row ?? {
      orgId, legalName: null, address: null, taxId: null, email: null, logoKey: null,
      invoicePrefix: "INV-", invoiceNumberFormat: DEFAULT_NUMBER_FORMAT, invoiceNextNumber: 1,
      quotePrefix: "Q-", quoteNextNumber: 1, defaultDueDays: 30, quoteValidDays: 30,
      paymentTerms: null, footer: null, updatedBy: null, updatedAt: 0,
    }
  );
}

/** Literal text a number may carry besides its tokens: what reads well on a PDF and in a file name. */
const LITERAL = /^[A-Za-z0-9 ._\-/#]*$/;

/** A format is usable when every brace is a known token, the sequence is in it, and the rest is plain text. */
export function numberFormatProblems(format: string): string[] {
  const problems: string[] = [];
  const literal = parseNumberFormat(format).flatMap((t) => (t.kind === "text" ? [t.text] : [])).join("");
  if (/[{}]/.test(literal)) problems.push("Unknown token: use {prefix}, {YYYY}, {seq} or {seq:N}");
  else if (!LITERAL.test(literal)) problems.push("Besides the tokens, use letters, digits, spaces and . _ - / #");
  if (!formatHasSequence(format)) problems.push("The format must contain {seq} or {seq:N}, or numbers would repeat");
  return problems;
}

/** The numbers the next invoice and quote would get now (the year is the organization's). */
export async function numberPreview(db: Db, settings: BillingSettings, now = Date.now()) {
  const year = Number(localDateOf(now, await orgTimeZone(db, settings.orgId)).slice(0, 4));
  return {
    nextInvoiceNumber: formatNumber(settings.invoiceNumberFormat, settings.invoicePrefix, year, settings.invoiceNextNumber),
    nextQuoteNumber: formatNumber(settings.invoiceNumberFormat, settings.quotePrefix, year, settings.quoteNextNumber),
  };
}

/** Text fields an empty string clears; prefixes may well be empty and stay so. */
const CLEARABLE = new Set(["legalName", "address", "taxId", "email", "paymentTerms", "footer"]);

export async function updateBillingSettings(db: Db, auth: AuthContext, patch: BillingSettingsInput, requestId?: string) {
  if (patch.invoiceNumberFormat !== undefined) {
    const problems = numberFormatProblems(patch.invoiceNumberFormat);
    if (problems.length) throw invalid({ invoiceNumberFormat: problems });
  }
  const current = await getBillingSettings(db, auth.orgId);
  const clean = Object.fromEntries(Object.entries(patch).map(([k, v]) => [k, v === "" && CLEARABLE.has(k) ? null : v])) as BillingSettingsInput;
  const changes = changesOf(current, clean as Record<string, unknown>);
  if (!Object.keys(changes).length) return current;
  const now = Date.now();
  await db.batch([
    db
      .insert(billingSettings)
      .values({ ...clean, orgId: auth.orgId, updatedBy: auth.userId, updatedAt: now })
      // Only the fields sent: a concurrent finalization's counter and logo key are never written back.
      .onConflictDoUpdate({ target: billingSettings.orgId, set: { ...clean, updatedBy: auth.userId, updatedAt: now } }),
    auditStatement(db, auth.orgId, { actorId: auth.userId, action: "update", entity: "billing_settings", entityId: auth.orgId, changes, requestId }),
  ]);
  return getBillingSettings(db, auth.orgId);
}
