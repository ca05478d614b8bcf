import type { AiCitation } from "../../../schema";
import { CITATION_MARKER, citationMarker } from "../../../schema/ai-api";

/**
 * The answer may cite only records the tools returned to this user in this
 * conversation (`allowed`, keyed "type:id"). Any other marker, a guessed id
 * or one planted in a record's text, is cut out of the answer as it streams,
 * so it never reaches the user, the stored message or the citations.
 */

export const citationKey = (c: Pick<AiCitation, "type" | "id">) => `${c.type}:${c.id}`;

const markers = () => new RegExp(CITATION_MARKER.source, "g");

/**
 * Where an unfinished marker ("[", "[[dea", "[[deal:01J", "[[deal:01J]")
 * starts at the end of the text, so it is held back until it is whole.
 */
const UNFINISHED = /\[(?:\[(?:[a-z_]{0,12}(?::[A-Za-z0-9_-]{0,64}\]?)?)?)?$/;

export function citationFilter(allowed: ReadonlyMap<string, AiCitation>) {
  let held = "";
  let written = "";
  const keep = (text: string) => text.replace(markers(), (marker, type: string, id: string) => (allowed.has(`${type}:${id}`) ? marker : ""));
  const emit = (text: string) => {
    const out = keep(text);
    written += out;
    return out;
  };
  return {
    /** The part of the text so far that can be shown: whole markers judged, an unfinished one held. */
    push(piece: string): string {
      held += piece;
      const cut = UNFINISHED.exec(held)?.index ?? held.length;
      const ready = held.slice(0, cut);
      held = held.slice(cut);
      return emit(ready);
    },
    flush(): string {
      const rest = held;
      held = "";
      return emit(rest);
    },
    /** Everything emitted so far. */
    get text() {
      return written;
    },
  };
}

/** The records a (filtered) answer cites, in order of first mention. */
export function citationsIn(text: string, allowed: ReadonlyMap<string, AiCitation>): AiCitation[] {
  const seen = new Map<string, AiCitation>();
  for (const [, type, id] of text.matchAll(markers())) {
    const found = allowed.get(`${type}:${id}`);
    if (found && !seen.has(citationKey(found))) seen.set(citationKey(found), found);
  }
  return [...seen.values()];
}

/** Every `{title, cite}` pair in a tool's data, as citations. */
export function citationsOf(data: unknown): AiCitation[] {
  const found = new Map<string, AiCitation>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== "object") return;
    const record = value as Record<string, unknown>;
    if (typeof record.cite === "string" && typeof record.title === "string") {
      const match = new RegExp(`^${CITATION_MARKER.source}$`).exec(record.cite);
      if (match) {
        const citation = { type: match[1] as AiCitation["type"], id: match[2]!, title: record.title };
        if (citationMarker(citation) === record.cite && !found.has(citationKey(citation))) found.set(citationKey(citation), citation);
      }
    }
    Object.values(record).forEach(visit);
  };
  visit(data);
  return [...found.values()];
}
