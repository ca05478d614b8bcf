import * as xssModule from "xss";

// xss is CommonJS: depending on the bundler its exports are named imports or sit on `default`.
const xss = (xssModule as { FilterXSS?: unknown }).FilterXSS ? xssModule : (xssModule as unknown as { default: typeof xssModule }).default;
const { FilterXSS, whiteList } = xss;

/**
 * Mail HTML is hostile input: it is kept only as sanitized HTML (no scripts,
 * event handlers, forms or remote frames) for display, and turned into plain
 * text for the ticket body and search. `xss` is pure JavaScript, so it runs
 * in workerd where DOM-based sanitizers cannot.
 *
 * Nothing in it may load from elsewhere, or opening a ticket would tell the
 * sender (or their tracker) that an agent read it: audio and video go, and an
 * image keeps only an inline raster `data:` source. `cid:` parts are dropped
 * too, since nothing in the app serves them. Stylesheets, `style`, `srcset`,
 * `background` and every other attribute off xss's allow-list never survive.
 */
const REMOTE_MEDIA = new Set(["audio", "video"]);
const SAFE_TAGS = Object.fromEntries(Object.entries(whiteList).filter(([tag]) => !REMOTE_MEDIA.has(tag)));
const INLINE_IMAGE = /^data:image\/(png|jpeg|gif|webp);/i;

/**
 * Tags dropped with their content. `head` and void tags stay off the list:
 * xss cannot nest these (`<head><style>` left "[removed]" in the text); what
 * `head` holds is dropped tag by tag anyway.
 */
const DROPPED_WITH_CONTENT = ["script", "style", "title", "iframe", "object", "form"];

const sanitizer = new FilterXSS({
  whiteList: SAFE_TAGS,
  stripIgnoreTag: true,
  stripIgnoreTagBody: DROPPED_WITH_CONTENT,
  onTagAttr(tag, name, value) {
    if (tag === "img" && name === "src" && !INLINE_IMAGE.test(value.trim())) return "";
    return undefined;
  },
});

export const sanitizeMailHtml = (html: string) => sanitizer.process(html).trim();

const toText = new FilterXSS({ whiteList: {}, stripIgnoreTag: true, stripIgnoreTagBody: DROPPED_WITH_CONTENT });

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
    .replace(/<li\b[^>]*>/gi, "- ");
  return decodeEntities(toText.process(blocks))
    .split("\n")
    .map((line) => line.replace(/[ \t]+/g, " ").trim())
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
