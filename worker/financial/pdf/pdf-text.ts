import type { PDFFont } from "pdf-lib";

/**
 * Text for the PDF's standard fonts. Helvetica speaks WinAnsi only, and
 * pdf-lib throws on any other character, so a customer called "Łukasz Żółw"
 * or "株式会社" must be made printable first: accents that WinAnsi lacks fall
 * back to their base letter, a few common letters and symbols are
 * transliterated, and whatever is left prints as "?" rather than failing the
 * whole document.
 */

const TRANSLITERATION: Record<string, string> = {
  "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ŋ": "n", "Ŋ": "N", "ĸ": "k", "ŀ": "l", "Ŀ": "L",
  "ə": "e", "Ə": "E", "ß": "ss", "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2212": "-", "\u2032": "'", "\u2033": '"',
  "\u2192": "->", "\u2190": "<-", "\u2264": "<=", "\u2265": ">=", "\u2260": "!=", "\u2248": "~", "\u202f": " ", "\u2009": " ", "\u2007": " ",
  "\u200b": "", "\u200d": "", "\ufeff": "",
};

const charsets = new WeakMap<PDFFont, Set<number>>();

function charsetOf(font: PDFFont): Set<number> {
  let set = charsets.get(font);
  if (!set) {
    set = new Set(font.getCharacterSet());
    charsets.set(font, set);
  }
  return set;
}

/** `text` with every character the font cannot encode replaced (see above); newlines and tabs become spaces. */
export function printable(font: PDFFont, text: string): string {
  const set = charsetOf(font);
  let out = "";
  for (const char of text.replace(/[\t\r\n]+/g, " ")) {
    if (set.has(char.codePointAt(0)!)) {
      out += char;
      continue;
    }
    const base = char.normalize("NFKD").replace(/\p{M}/gu, "");
    if (base && base !== char && [...base].every((c) => set.has(c.codePointAt(0)!))) {
      out += base;
      continue;
    }
    const mapped = TRANSLITERATION[char];
    out += mapped ?? (char.codePointAt(0)! < 0x20 ? "" : "?");
  }
  return out;
}

/** Whether the font prints `text` as it is. */
export const encodable = (font: PDFFont, text: string) => printable(font, text) === text.replace(/[\t\r\n]+/g, " ");

/**
 * Splits text into lines no wider than `width`: paragraphs stay paragraphs,
 * words wrap, and a word longer than a line (a URL, an IBAN) is cut.
 */
export function wrapText(font: PDFFont, size: number, text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\r?\n/)) {
    const words = printable(font, paragraph).split(/ +/).filter(Boolean);
    if (!words.length) {
      lines.push("");
      continue;
    }
    let line = "";
    for (let word of words) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width) {
        line = candidate;
        continue;
      }
      if (line) lines.push(line);
      while (font.widthOfTextAtSize(word, size) > width && word.length > 1) {
        let cut = word.length - 1;
        while (cut > 1 && font.widthOfTextAtSize(word.slice(0, cut), size) > width) cut--;
        lines.push(word.slice(0, cut));
        word = word.slice(cut);
      }
      line = word;
    }
    lines.push(line);
  }
  return lines;
}

/** Shortens one line with "…" to fit `width`. */
export function truncate(font: PDFFont, size: number, text: string, width: number): string {
  let out = printable(font, text);
  if (font.widthOfTextAtSize(out, size) <= width) return out;
  while (out.length > 1 && font.widthOfTextAtSize(`${out}…`, size) > width) out = out.slice(0, -1);
  return `${out}…`;
}
