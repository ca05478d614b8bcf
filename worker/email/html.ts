import * as xssModule from "xss";

// xss is CommonJS: depending on the bundler its exports are named imports or sit on `default`.
const xss = (xssModule as { FilterXSS?: unknown }).FilterXSS ? xssModule : (xssModule as unknown as { default: typeof xssModule }).default;
const { FilterXSS, whiteList } = xss;

/**
 * Mail HTML is hostile input: it is kept only as sanitized HTML (no scripts,
 * event handlers, forms or remote frames) for display, and turned into plain
 * text for the ticket body and search. `xss` is pure JavaScript, so it runs
 * in workerd where DOM-based sanitizers cannot.
 */
const SAFE_TAGS = { ...whiteList };

const sanitizer = new FilterXSS({
  whiteList: SAFE_TAGS,
  stripIgnoreTag: true,
  stripIgnoreTagBody: ["script", "style", "title", "head", "iframe", "object", "embed", "form"],
  // Tracking pixels and remote content would tell the sender an agent opened the mail.
  onTagAttr(tag, name, value) {
    if (tag === "img" && name === "src" && !/^(cid:|data:image\/(png|jpeg|gif|webp);)/i.test(value.trim())) return "";
    return undefined;
  },
});

export const sanitizeMailHtml = (html: string) => sanitizer.process(html).trim();

const toText = new FilterXSS({ whiteList: {}, stripIgnoreTag: true, stripIgnoreTagBody: ["script", "style", "title", "head"] });

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

function decodeEntities(text: string) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (code[0] === "#") {
      const n = code[1]?.toLowerCase() === "x" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
      return Number.isFinite(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : whole;
    }
    return ENTITIES[code.toLowerCase()] ?? whole;
  });
}

/** Readable plain text from mail HTML: block elements become line breaks, tags go, entities are decoded. */
export function htmlToText(html: string): string {
  const blocks = html
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|tr|blockquote|pre|table)>/gi, "\n")
    .replace(/<li[^>]*>/gi, "- ");
  return decodeEntities(toText.process(blocks))
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
