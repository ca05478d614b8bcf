import type { Invoice } from "../../../schema";
import { formatMoney } from "../money";

/**
 * The email that carries a document: the sender's message, what is owed and
 * by when, and the customer's link as a button and as plain text.
 */

export interface InvoiceMailContent {
  sellerName: string;
  message: string;
  link: string;
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export const linkLabel = (kind: Invoice["kind"]) => (kind === "quote" ? "Review and accept" : "View and pay online");

export function defaultSubject(row: Pick<Invoice, "kind" | "number">, sellerName: string) {
  return `${row.kind === "quote" ? "Quote" : "Invoice"} ${row.number ?? ""} from ${sellerName}`.replace(/\s+/g, " ").trim();
}

export function defaultMessage(row: Pick<Invoice, "kind" | "number">) {
  return row.kind === "quote"
    ? `Hello,\n\nplease find our quote ${row.number ?? ""} attached. You can review and accept it online.\n\nKind regards`
    : `Hello,\n\nplease find invoice ${row.number ?? ""} attached.\n\nKind regards`;
}

function facts(row: Invoice): string[] {
  if (row.kind === "quote") return [`Total: ${formatMoney(row.total, row.currency)}`, row.dueDate ? `Valid until: ${row.dueDate}` : ""].filter(Boolean);
  const due = row.status === "open" ? [`Amount due: ${formatMoney(row.amountDue, row.currency)}`, row.dueDate ? `Due date: ${row.dueDate}` : ""] : [`Total: ${formatMoney(row.total, row.currency)}`];
  return due.filter(Boolean);
}

export function invoiceMailText(row: Invoice, content: InvoiceMailContent): string {
  return [content.message.trim(), "", ...facts(row), "", `${linkLabel(row.kind)}: ${content.link}`, "", `${content.sellerName}`].join("\n");
}

export function invoiceMailHtml(row: Invoice, content: InvoiceMailContent): string {
  const paragraphs = content.message
    .trim()
    .split(/\n{2,}/)
    .map((p) => `<p style="margin:0 0 12px">${escapeHtml(p).replace(/\n/g, "<br>")}</p>`)
    .join("");
  const rows = facts(row)
    .map((f) => `<div style="margin:2px 0">${escapeHtml(f)}</div>`)
    .join("");
  const href = escapeHtml(content.link);
  return `<!doctype html><html><body style="font-family:Helvetica,Arial,sans-serif;color:#1f2430;font-size:14px;line-height:1.5">
<div style="max-width:560px;margin:0 auto;padding:24px">${paragraphs}
<div style="margin:16px 0;padding:12px 16px;background:#f3f4f6;border-radius:8px">${rows}</div>
<p style="margin:20px 0"><a href="${href}" style="display:inline-block;background:#2a54bf;color:#ffffff;text-decoration:none;padding:10px 18px;border-radius:6px;font-weight:bold">${escapeHtml(linkLabel(row.kind))}</a></p>
<p style="margin:0;color:#6b7280;font-size:12px">Or open this link: <a href="${href}" style="color:#2a54bf">${href}</a></p>
<p style="margin:20px 0 0;color:#6b7280;font-size:12px">${escapeHtml(content.sellerName)}</p></div></body></html>`;
}
