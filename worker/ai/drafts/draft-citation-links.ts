import type { AiCitation } from "../../../schema/ai";
import { CITATION_MARKER } from "../../../schema/ai-api";

/**
 * Turns a draft's `[[type:id]]` markers into what the customer reads while
 * the text streams: the cited source's public link, or nothing when it has
 * none or the model named a source it was not given. A marker may arrive
 * split across deltas, so a tail that could still grow into one is held
 * back until it completes or cannot; the pieces handed out therefore join
 * into exactly the finished draft.
 */
export interface DraftSource {
  citation: AiCitation;
  /** Where the customer can read it; null: the marker is only dropped. */
  url: string | null;
}

/** `[`, `[[`, `[[kb_article`, `[[kb_article:ab`, `[[kb_article:abc]`: the beginnings of a marker. */
const MARKER_PREFIX = /^\[(?:\[(?:[a-z_]{0,12}(?::[A-Za-z0-9_-]{0,64}\]?)?)?)?$/;
/** The longest marker: `[[` + type + `:` + a 64-character id + `]]`. */
const MAX_MARKER = 2 + 12 + 1 + 64 + 2;

/** Where the unfinished marker at the end of `text` starts, or `text.length` when there is none. */
function heldFrom(text: string): number {
  for (let i = text.indexOf("[", Math.max(0, text.length - MAX_MARKER)); i !== -1; i = text.indexOf("[", i + 1)) {
    if (MARKER_PREFIX.test(text.slice(i))) return i;
  }
  return text.length;
}

export function citationLinker(sources: ReadonlyMap<string, DraftSource>) {
  let held = "";
  const cited = new Map<string, AiCitation>();
  const link = (text: string) =>
    text.replace(CITATION_MARKER, (_marker, type: string, id: string) => {
      const source = sources.get(`${type}:${id}`);
      if (!source) return "";
      cited.set(`${type}:${id}`, source.citation);
      return source.url ?? "";
    });
  return {
    /** The part of the text so far that is final, markers linked. */
    push(text: string): string {
      held += text;
      const cut = heldFrom(held);
      const ready = held.slice(0, cut);
      held = held.slice(cut);
      return link(ready);
    },
    /** Whatever was held back, once the model has finished. */
    end(): string {
      const rest = link(held);
      held = "";
      return rest;
    },
    /** The sources the text cited, in the order first cited. */
    citations: (): AiCitation[] => [...cited.values()],
  };
}
