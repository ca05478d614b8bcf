import { describe, expect, it } from "vitest";
import {
  foldSentiment,
  judgeNow,
  judgeWithFallback,
  llmSentimentModel,
  messageCore,
  parseLlmSentiments,
  rollUpSentiments,
  sentimentOfClassScores,
  vaderModel,
  WORKERS_AI_SENTIMENT_MODEL,
  workersAiSentimentModel,
  type SentimentModel,
  type TextClassifierBinding,
} from "../../../worker/sentiment";
import type { Sentiment } from "../../../schema";

const judged = (score: number): Sentiment => ({ label: score <= -0.05 ? "negative" : score >= 0.05 ? "positive" : "neutral", score, model: "test" });

describe("the embedded model (VADER)", () => {
  it("labels clear complaints, thanks and plain questions, and records itself as the judge", async () => {
    const [angry, happy, question] = await vaderModel.judge([
      "Your service has been down for hours and nobody answers. This is unacceptable!",
      "Thank you so much, the fix works perfectly and your team was wonderful.",
      "Can you send the invoice for March to our finance address?",
    ]);
    expect(angry).toMatchObject({ label: "negative", model: "vader" });
    expect(angry!.score).toBeLessThan(-0.5);
    expect(happy).toMatchObject({ label: "positive", model: "vader" });
    expect(happy!.score).toBeGreaterThan(0.5);
    expect(question).toMatchObject({ label: "neutral", score: 0, model: "vader" });
  });

  it("reads negation: 'not happy' is negative", () => {
    expect(judgeNow("I am not happy with this at all").label).toBe("negative");
  });

  it("leaves a mail's greeting, sign-off and quoted mail out of its tone", () => {
    const mail = "Hello,\n\nWe are billed in USD but our contract says EUR.\n\nBest regards,\nPat Doe";
    expect(messageCore(mail)).toBe("We are billed in USD but our contract says EUR.");
    expect(judgeNow(mail).label).toBe("neutral");
    expect(judgeNow("Hi Sam,\nThe export is broken again and I am furious.\n> Thanks for your patience!\nKind regards").label).toBe("negative");
    expect(messageCore("Thanks, that fixed it!")).toBe("Thanks, that fixed it!");
    expect(judgeNow("Thank you!\nBest regards").label).toBe("positive");
  });

  it("judges the same text the same way every time", () => {
    const text = "The price is too high, but the product is great.";
    expect(judgeNow(text)).toEqual(judgeNow(text));
  });
});

describe("Workers AI's distilbert-sst-2 mapping", () => {
  it("maps a confident answer to its class and an unsure one to neutral, with P(positive) − P(negative) as score", () => {
    expect(sentimentOfClassScores([{ label: "NEGATIVE", score: 0.97 }, { label: "POSITIVE", score: 0.03 }])).toEqual({
      label: "negative",
      score: -0.94,
      model: WORKERS_AI_SENTIMENT_MODEL,
    });
    expect(sentimentOfClassScores([{ label: "NEGATIVE", score: 0.01 }, { label: "POSITIVE", score: 0.99 }]).label).toBe("positive");
    expect(sentimentOfClassScores([{ label: "NEGATIVE", score: 0.35 }, { label: "POSITIVE", score: 0.65 }])).toMatchObject({ label: "neutral", score: 0.3 });
  });

  it("calls the binding once per message with the documented model and input", async () => {
    const calls: unknown[] = [];
    const ai: TextClassifierBinding = {
      run: async (model, input) => {
        calls.push({ model, input });
        return input.text.includes("broken") ? [{ label: "NEGATIVE", score: 0.99 }, { label: "POSITIVE", score: 0.01 }] : [{ label: "NEGATIVE", score: 0.02 }, { label: "POSITIVE", score: 0.98 }];
      },
    };
    const out = await workersAiSentimentModel(ai).judge(["It is broken again", "Lovely, thanks"]);
    expect(out.map((s) => s.label)).toEqual(["negative", "positive"]);
    expect(calls).toEqual([
      { model: WORKERS_AI_SENTIMENT_MODEL, input: { text: "It is broken again" } },
      { model: WORKERS_AI_SENTIMENT_MODEL, input: { text: "Lovely, thanks" } },
    ]);
  });

  it("refuses an answer without class scores", () => {
    expect(() => sentimentOfClassScores({ response: "positive" })).toThrow(/class scores/);
  });
});

describe("the chat model as classifier", () => {
  it("reads fenced JSON and names the chat model", () => {
    const out = parseLlmSentiments('```json\n{"results":[{"label":"negative","score":-0.8},{"label":"neutral","score":0}]}\n```', 2, "llm:m");
    expect(out).toEqual([
      { label: "negative", score: -0.8, model: "llm:m" },
      { label: "neutral", score: 0, model: "llm:m" },
    ]);
  });

  it("refuses an answer that judges a different number of messages or an unknown label", () => {
    expect(() => parseLlmSentiments('{"results":[{"label":"negative","score":-1}]}', 2, "llm:m")).toThrow(/1 of 2/);
    expect(() => parseLlmSentiments('{"results":[{"label":"furious","score":-1}]}', 1, "llm:m")).toThrow(/unknown label/);
    expect(() => parseLlmSentiments("I think it is negative", 1, "llm:m")).toThrow(/no JSON/);
  });

  it("falls back to the embedded model when the chosen one fails, and records that the embedded one judged", async () => {
    const failing = llmSentimentModel(async () => "Sorry, I cannot help with that.", "m");
    const [s] = await judgeWithFallback(failing, ["This is terrible and I want a refund."]);
    expect(s).toMatchObject({ label: "negative", model: "vader" });
  });

  it("uses the chosen model when it answers", async () => {
    const fixed: SentimentModel = { name: "fixed", judge: async (texts) => texts.map(() => ({ label: "positive", score: 0.9, model: "fixed" })) };
    expect(await judgeWithFallback(fixed, ["anything"])).toEqual([{ label: "positive", score: 0.9, model: "fixed" }]);
  });
});

describe("the conversation rollup", () => {
  it("weighs recent messages more and gives the trend of the newest against the earlier ones", () => {
    const first = foldSentiment(null, judged(0.6), 1_000);
    expect(first).toMatchObject({ score: 0.6, label: "positive", trend: "steady", messages: 1, at: 1_000 });
    const second = foldSentiment(first, judged(-0.9), 2_000);
    // (−0.9 + 0.5 × 0.6) / 1.5
    expect(second).toMatchObject({ score: -0.4, label: "negative", trend: "worsening", messages: 2, at: 2_000 });
    const third = foldSentiment(second, judged(0.8), 3_000);
    // (0.8 + 0.5 × (−0.9) + 0.25 × 0.6) / 1.75
    expect(third.score).toBeCloseTo(0.286, 3);
    expect(third).toMatchObject({ trend: "improving", messages: 3 });
  });

  it("folding one by one equals rolling up the whole history", () => {
    const history = [0.2, -0.3, -0.7, 0.1].map((score, i) => ({ sentiment: judged(score), at: i * 10 }));
    const folded = history.reduce<ReturnType<typeof foldSentiment> | null>((r, m) => foldSentiment(r, m.sentiment, m.at), null);
    expect(rollUpSentiments(history)).toEqual(folded);
    expect(rollUpSentiments([])).toBeNull();
  });

  it("a message like the earlier ones keeps the trend steady", () => {
    expect(foldSentiment(foldSentiment(null, judged(-0.5), 1), judged(-0.45), 2).trend).toBe("steady");
  });
});
