import type { ScoreFactor } from "../../schema/scoring";
import type { FeatureGroups } from "./feature-buckets";
import { labelOf } from "./feature-buckets";
import { logit, sigmoid, trainLogistic, type LogisticModel, type SparseRow } from "./logistic-regression";
import { largestRemainder, topFactors } from "./score-explanation";
import { LR_ITERATIONS, LR_L2, LR_STEP, MAX_TAG_FEATURES, MIN_CATEGORY_COUNT } from "./scoring-limits";

/**
 * A learned scoring model: the categories it knows per feature group, one
 * logistic regression weight per category, and the average training record
 * (each category's share), which is the "base" every explanation starts from.
 */
export interface LearnedParams {
  /** Known categories per group; anything else is the group's "other". */
  vocabulary: Record<string, string[]>;
  /** Feature names, `group=value`, in weight order. */
  features: string[];
  bias: number;
  weights: number[];
  /** Share of training records with each feature, in weight order. */
  means: number[];
}

export interface LabelledSample {
  groups: FeatureGroups;
  label: 0 | 1;
}

const OTHER = "other";
const key = (group: string, value: string) => `${group}=${value}`;

function vocabularyOf(samples: readonly LabelledSample[]): Record<string, string[]> {
  const counts = new Map<string, Map<string, number>>();
  for (const { groups } of samples) {
    for (const [group, values] of Object.entries(groups)) {
      const perGroup = counts.get(group) ?? counts.set(group, new Map()).get(group)!;
      for (const v of values) perGroup.set(v, (perGroup.get(v) ?? 0) + 1);
    }
  }
  const vocabulary: Record<string, string[]> = {};
  for (const group of [...counts.keys()].sort()) {
    const frequent = [...counts.get(group)!.entries()]
      .filter(([v, n]) => n >= MIN_CATEGORY_COUNT && v !== OTHER)
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const kept = group === "tags" ? frequent.slice(0, MAX_TAG_FEATURES + 1) : frequent;
    vocabulary[group] = kept.map(([v]) => v).sort();
  }
  return vocabulary;
}

function featureIndex(vocabulary: Record<string, string[]>) {
  const features: string[] = [];
  for (const [group, values] of Object.entries(vocabulary)) for (const v of [...values, OTHER]) features.push(key(group, v));
  return { features, index: new Map(features.map((f, i) => [f, i])) };
}

/** Per group, each known category's feature index and the index of its "other". */
type Encoder = [group: string, known: Map<string, number>, other: number][];

function encoderOf(vocabulary: Record<string, string[]>, index: Map<string, number>): Encoder {
  return Object.entries(vocabulary).map(([group, known]) => [group, new Map(known.map((v) => [v, index.get(key(group, v))!])), index.get(key(group, OTHER))!]);
}

/** The active feature indices of a record, each group's unknown categories counting as its "other". */
function encode(groups: FeatureGroups, encoder: Encoder): number[] {
  const active: number[] = [];
  for (const [group, known, other] of encoder) {
    for (const v of groups[group] ?? []) {
      const j = known.get(v) ?? other;
      if (!active.includes(j)) active.push(j);
    }
  }
  return active.sort((a, b) => a - b);
}

export function trainScoringModel(samples: readonly LabelledSample[]): LearnedParams {
  const vocabulary = vocabularyOf(samples);
  const { features, index } = featureIndex(vocabulary);
  const encoder = encoderOf(vocabulary, index);
  const rows: SparseRow[] = samples.map((s) => encode(s.groups, encoder));
  const model = trainLogistic(rows, samples.map((s) => s.label), features.length, { iterations: LR_ITERATIONS, step: LR_STEP, l2: LR_L2 });
  const means = new Array<number>(features.length).fill(0);
  for (const row of rows) for (const j of row) means[j]! += 1 / rows.length;
  return { vocabulary, features, bias: model.bias, weights: model.weights, means };
}

/** A compiled model for scoring many records. */
export function compileModel(params: LearnedParams) {
  const encoder = encoderOf(params.vocabulary, featureIndex(params.vocabulary).index);
  const model: LogisticModel = { bias: params.bias, weights: params.weights };
  const baseLogit = params.weights.reduce((z, w, j) => z + w * params.means[j]!, params.bias);
  const basePoints = Math.round(100 * sigmoid(baseLogit));
  const groupNames = [...new Set(params.features.map((f) => f.slice(0, f.indexOf("="))))];
  const groupOf = params.features.map((f) => groupNames.indexOf(f.slice(0, f.indexOf("="))));
  // Every feature's contribution when absent (−w·mean), summed per group; a record then only adds its active features' weights.
  const absent = new Array<number>(groupNames.length).fill(0);
  params.weights.forEach((w, j) => (absent[groupOf[j]!]! -= w * params.means[j]!));

  function probability(groups: FeatureGroups): number {
    return sigmoid(logit(model, encode(groups, encoder)));
  }

  /**
   * The score with its factors. Each group's contribution is its weights
   * against the average record's, in log-odds; those are scaled to points by
   * the slope of the sigmoid between the base and the record (so they add up
   * to the unrounded score difference) and rounded together.
   */
  function explain(groups: FeatureGroups, names: Record<string, string> = {}): { score: number; basePoints: number; factors: ScoreFactor[] } {
    const contributions = [...absent];
    for (const j of encode(groups, encoder)) contributions[groupOf[j]!]! += params.weights[j]!;
    const delta = contributions.reduce((a, b) => a + b, 0);
    const z = baseLogit + delta;
    const exact = 100 * sigmoid(z);
    const score = Math.round(exact);
    const slope = Math.abs(delta) > 1e-9 ? (exact - 100 * sigmoid(baseLogit)) / delta : 100 * sigmoid(baseLogit) * (1 - sigmoid(baseLogit));
    const points = largestRemainder(contributions.map((c) => c * slope), score - basePoints);
    const factors = groupNames.map((g, i) => {
      const values = groups[g] ?? [OTHER];
      const label = labelOf(g, values, names);
      // A category the model never learned on its own carries its group's "other" weight; saying only "Phone in Fiji" would credit Fiji.
      const rare = values.length > 0 && !values.some((v) => params.vocabulary[g]?.includes(v));
      return { feature: key(g, values.join(",")), label: rare && values[0] !== OTHER ? `${label} (rare here, counted with others)` : label, points: points[i]! };
    });
    return { score, basePoints, factors: topFactors(factors) };
  }

  return { probability, explain, basePoints };
}
