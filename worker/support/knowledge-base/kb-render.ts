import { Marked } from "marked";
import * as xssModule from "xss";
import type { ICSSFilter, IWhiteList } from "xss";

/**
 * Articles are written in Markdown, which may carry raw HTML. The HTML the
 * API hands out is rendered here and then filtered by an allow-list (js-xss,
 * pure JavaScript, so it runs in workerd without a DOM): scripts, event
 * handler attributes, styles, frames and any URL that is not http(s),
 * mailto, tel, relative or a fragment are removed. Browsers sanitize again
 * with DOMPurify (web/src/lib/markdown.ts) before inserting it.
 */
const marked = new Marked({ gfm: true, breaks: false, async: false });

/**
 * xss is CommonJS whose module.exports is a function carrying the named
 * exports; some bundlers hand them out as named imports, others only on the
 * default export.
 */
const xss = ((xssModule as { FilterXSS?: unknown }).FilterXSS ? xssModule : (xssModule as unknown as { default: typeof xssModule }).default);
const { FilterXSS, friendlyAttrValue, safeAttrValue: defaultSafeAttrValue } = xss;

const ALLOWED: IWhiteList = {
  a: ["href", "title"],
  p: [],
  br: [],
  hr: [],
  h1: [],
  h2: [],
  h3: [],
  h4: [],
  h5: [],
  h6: [],
  strong: [],
  b: [],
  em: [],
  i: [],
  del: [],
  s: [],
  code: ["class"],
  pre: [],
  blockquote: [],
  ul: [],
  ol: ["start"],
  li: [],
  input: ["type", "checked", "disabled"],
  table: [],
  thead: [],
  tbody: [],
  tr: [],
  th: ["align"],
  td: ["align"],
  img: ["src", "alt", "title"],
  kbd: [],
  sup: [],
  sub: [],
};

const SAFE_URL = /^(?:https?:\/\/|mailto:|tel:|\/(?!\/)|#|\.{1,2}\/)/i;
const SAFE_IMAGE = /^(?:https:\/\/|\/(?!\/))/i;

/**
 * A URL as browsers read it: they take `\` for `/`, so `/\evil.example` is the
 * protocol-relative `//evil.example`, another host, not a relative link.
 * (friendlyAttrValue has already decoded entities and turned control
 * characters into spaces, in the checked value and the output alike.)
 */
const asBrowsersRead = (url: string) => url.replace(/\\/g, "/");

/** Decodes what marked escapes, plus numeric references, for the plain-text copy. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos|#39|nbsp);/gi, (whole, name: string) => {
    const n = name.toLowerCase();
    if (n === "amp") return "&";
    if (n === "lt") return "<";
    if (n === "gt") return ">";
    if (n === "quot") return '"';
    if (n === "apos" || n === "#39") return "'";
    if (n === "nbsp") return " ";
    const code = n.startsWith("#x") ? parseInt(n.slice(2), 16) : parseInt(n.slice(1), 10);
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

const STRIPPED_WITH_CONTENT = ["script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select"];

/** js-xss's own URL and entity handling first, then this allow-list's narrower rules. */
function safeAttribute(tag: string, name: string, value: string, cssFilter: ICSSFilter): string {
  const safe = defaultSafeAttrValue(tag, name, value, cssFilter);
  const raw = asBrowsersRead(friendlyAttrValue(value).trim());
  if (name === "href") return safe && SAFE_URL.test(raw) ? safe : "#";
  if (name === "src") return safe && SAFE_IMAGE.test(raw) ? safe : "";
  if (tag === "input" && name === "type") return "checkbox";
  if (tag === "code" && name === "class") return /^language-[\w+-]{1,40}$/.test(raw) ? safe : "";
  return safe;
}

const htmlFilter = new FilterXSS({
  whiteList: ALLOWED,
  stripIgnoreTag: true,
  stripIgnoreTagBody: STRIPPED_WITH_CONTENT,
  allowCommentTag: false,
  safeAttrValue: safeAttribute,
  // An image without a safe source loses the attribute entirely, not just its value.
  onTagAttr: (_tag, name, value) => (name === "src" && !SAFE_IMAGE.test(asBrowsersRead(friendlyAttrValue(value).trim())) ? "" : undefined),
});

/** Sanitizes HTML against the article allow-list. */
export function sanitizeHtml(html: string): string {
  return htmlFilter.process(html);
}

/** The article's Markdown as sanitized HTML. */
export function renderMarkdown(markdown: string): string {
  return sanitizeHtml(marked.parse(markdown) as string);
}

const textFilter = new FilterXSS({
  whiteList: {},
  stripIgnoreTag: true,
  stripIgnoreTagBody: STRIPPED_WITH_CONTENT,
  allowCommentTag: false,
});

/** The rendered article as plain text with collapsed whitespace: what search indexes. */
export function plainText(markdown: string): string {
  const html = (marked.parse(markdown) as string).replace(/<\/(p|h[1-6]|li|tr|pre|blockquote)>|<br\s*\/?>/gi, "$& ");
  return decodeEntities(textFilter.process(html)).replace(/\s+/g, " ").trim();
}

/** The first words of the plain text, cut at a word boundary. */
export function excerptOf(text: string, max = 180): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(" ");
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s.,;:!?-]+$/, "")}…`;
}

/** Escapes text for HTML (for snippets built around FTS5 highlight markers). */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);
}
