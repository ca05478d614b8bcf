import { describe, expect, it } from "vitest";
import { headlineOf, parseSummary, transcriptForPrompt } from "../../../worker/ai/transcripts/call-summary";

describe("reading the model's summary", () => {
  it("takes the JSON it was asked for", () => {
    expect(parseSummary('{"summary": " Dana wants the quote. ", "actionItems": ["Send the quote", "  ", "Call back Friday"]}')).toEqual({
      summary: "Dana wants the quote.",
      actionItems: ["Send the quote", "Call back Friday"],
    });
  });

  it("finds JSON in a code fence or among prose, and accepts action_items with {text} entries", () => {
    expect(parseSummary('```json\n{"summary": "S", "actionItems": []}\n```')).toEqual({ summary: "S", actionItems: [] });
    expect(parseSummary('Here you go: {"summary": "S", "action_items": [{"text": "Do it"}, 7]} Hope that helps.')).toEqual({ summary: "S", actionItems: ["Do it"] });
  });

  it("keeps a plain-prose answer as the summary with no action items", () => {
    expect(parseSummary("The customer asked about pricing; no follow-up.")).toEqual({ summary: "The customer asked about pricing; no follow-up.", actionItems: [] });
    expect(parseSummary('{"notes": "no summary field"}')).toEqual({ summary: '{"notes": "no summary field"}', actionItems: [] });
    expect(parseSummary("   ")).toEqual({ summary: null, actionItems: [] });
  });

  it("caps what it keeps: 20 items of at most 300 characters", () => {
    const items = Array.from({ length: 30 }, (_, i) => `${i} ${"x".repeat(400)}`);
    const draft = parseSummary(JSON.stringify({ summary: "S", actionItems: items }));
    expect(draft.actionItems).toHaveLength(20);
    expect(draft.actionItems.every((i) => i.length === 300)).toBe(true);
  });

  it("heads a toast with the first sentence", () => {
    expect(headlineOf("Dana wants the quote. She will sign next week.")).toBe("Dana wants the quote.");
    expect(headlineOf("No full stop here")).toBe("No full stop here");
    expect(headlineOf(`${"word ".repeat(60)}.`)).toHaveLength(158);
  });
});

describe("the transcript the model reads", () => {
  it("labels each line with its time and speaker", () => {
    expect(
      transcriptForPrompt([
        { speaker: "agent", start: 0.4, end: 2, text: "Hello" },
        { speaker: "customer", start: 75, end: 80, text: "Hi" },
      ]),
    ).toBe("[0:00] Agent: Hello\n[1:15] Customer: Hi");
  });

  it("keeps the beginning and the end of a very long call", () => {
    const segments = Array.from({ length: 4000 }, (_, i) => ({ speaker: "speaker" as const, start: i, end: i + 1, text: `line ${i} ${"y".repeat(20)}` }));
    const prompt = transcriptForPrompt(segments);
    expect(prompt.length).toBeLessThan(49_000);
    expect(prompt).toContain("line 0 ");
    expect(prompt).toContain("line 3999 ");
    expect(prompt).toContain("the middle of the call is left out");
  });
});
