import type { ScoreFactor } from "../../schema/scoring";
import { TOP_FACTORS_EACH_WAY } from "./scoring-limits";

/**
 * Turns per-factor contributions into whole points that add up exactly:
 * `basePoints + Σ factor.points = score`.
 */

/**
 * Whole numbers summing to `total`, each as close to its share as rounding
 * allows (largest remainder): everything is floored, then the units still
 * missing go to the largest fractional parts.
 */
export function largestRemainder(raw: readonly number[], total: number): number[] {
  const floors = raw.map(Math.floor);
  let missing = total - floors.reduce((a, b) => a + b, 0);
  const byRemainder = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  const out = [...floors];
  for (let k = 0; missing !== 0 && raw.length > 0; k = (k + 1) % raw.length) {
    const i = missing > 0 ? byRemainder[k]![1] : byRemainder[raw.length - 1 - k]![1];
    out[i]! += Math.sign(missing);
    missing -= Math.sign(missing);
  }
  return out;
}

/**
 * The strongest `TOP_FACTORS_EACH_WAY` factors each way, largest first, and
 * one "Other factors" entry for the rest, so the listed points still add up
 * to the score. Factors worth 0 points are left out.
 */
export function topFactors(factors: readonly ScoreFactor[]): ScoreFactor[] {
  const byStrength = (a: ScoreFactor, b: ScoreFactor) => Math.abs(b.points) - Math.abs(a.points) || a.feature.localeCompare(b.feature);
  const positive = factors.filter((f) => f.points > 0).sort(byStrength);
  const negative = factors.filter((f) => f.points < 0).sort(byStrength);
  const kept = [...positive.slice(0, TOP_FACTORS_EACH_WAY), ...negative.slice(0, TOP_FACTORS_EACH_WAY)];
  const rest = [...positive.slice(TOP_FACTORS_EACH_WAY), ...negative.slice(TOP_FACTORS_EACH_WAY)].reduce((sum, f) => sum + f.points, 0);
  return rest === 0 ? kept : [...kept, { feature: "other", label: "Other factors", points: rest }];
}
