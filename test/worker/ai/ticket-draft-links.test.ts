import { describe, expect, it } from "vitest";
import { citationLinker, type DraftSource } from "../../../worker/ai/drafts/draft-citation-links";

const sources = new Map<string, DraftSource>([
  ["kb_article:a1", { citation: { type: "kb_article", id: "a1", title: "Reset your password" }, url: "https://x.test/help/acme/articles/reset" }],
  ["kb_article:b2", { citation: { type: "kb_article", id: "b2", title: "Internal only" }, url: null }],
]);

function run(pieces: string[]) {
  const linker = citationLinker(sources);
  const out = pieces.map((p) => linker.push(p));
  out.push(linker.end());
  return { out, text: out.join(""), citations: linker.citations() };
}

const TEXT = "Try this [[kb_article:a1]]. Or that [[kb_article:b2]] and [[kb_article:zz]] [[deal:a1]], [not a marker] [[also not]] [[kb_article:a1]]";
const LINKED = "Try this https://x.test/help/acme/articles/reset. Or that  and  , [not a marker] [[also not]] https://x.test/help/acme/articles/reset";

describe("citation links in a streamed draft", () => {
  it("links known sources, drops the rest, and lists each cited source once", () => {
    expect(run([TEXT])).toMatchObject({ text: LINKED, citations: [sources.get("kb_article:a1")!.citation, sources.get("kb_article:b2")!.citation] });
  });

  it("gives the same text however the model splits it into deltas", () => {
    for (let i = 1; i < TEXT.length; i++) {
      for (const j of [i + 1, i + 7, i + 30]) {
        const { text, out } = run([TEXT.slice(0, i), TEXT.slice(i, j), TEXT.slice(j)]);
        expect(text, `split at ${i}, ${j}`).toBe(LINKED);
        expect(out.some((piece) => /\[\[kb_article:[a-z0-9]*\]?$/.test(piece)), `split at ${i}, ${j}`).toBe(false);
      }
    }
  });

  it("holds back only what could still become a marker", () => {
    const linker = citationLinker(sources);
    expect(linker.push("See [[kb_art")).toBe("See ");
    expect(linker.push("icle:a1]")).toBe("");
    expect(linker.push("] now [x")).toBe("https://x.test/help/acme/articles/reset now [x");
    expect(linker.push(" and [")).toBe(" and ");
    expect(linker.end()).toBe("[");
  });
});
