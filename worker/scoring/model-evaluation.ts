import type { CalibrationBucket } from "../../schema/scoring";

/**
 * How well scores separate outcomes on data a model has not seen: the split
 * by time, ROC AUC and a calibration table.
 */

/** Oldest outcomes train, the newest `share` are held out (ties in time broken by id, so the split is stable). */
export function timeSplit<T extends { outcomeAt: number; id: string }>(samples: readonly T[], share: number) {
  const sorted = [...samples].sort((a, b) => a.outcomeAt - b.outcomeAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const holdoutSize = Math.max(1, Math.round(sorted.length * share));
  return { train: sorted.slice(0, sorted.length - holdoutSize), holdout: sorted.slice(sorted.length - holdoutSize) };
}

/**
 * ROC AUC by Mann–Whitney U: the chance that a random positive scores above
 * a random negative, ties counting half. Null when either class is missing.
 */
export function rocAuc(scores: readonly number[], labels: readonly (0 | 1)[]): number | null {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  let positives = 0;
  let rankSum = 0;
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j < order.length && order[j]![0] === order[i]![0]) j++;
    const meanRank = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) {
      if (labels[order[k]![1]] === 1) {
        positives++;
        rankSum += meanRank;
      }
    }
    i = j;
  }
  const negatives = order.length - positives;
  if (positives === 0 || negatives === 0) return null;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/** Predicted probability in equal-width buckets against the share that turned out positive. */
export function calibrationTable(predicted: readonly number[], labels: readonly (0 | 1)[], buckets: number): CalibrationBucket[] {
  const table = Array.from({ length: buckets }, (_, b) => ({ from: b / buckets, to: (b + 1) / buckets, count: 0, sumPredicted: 0, positives: 0 }));
  predicted.forEach((p, i) => {
    const bucket = table[Math.min(buckets - 1, Math.max(0, Math.floor(p * buckets)))]!;
    bucket.count++;
    bucket.sumPredicted += p;
    bucket.positives += labels[i]!;
  });
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return table.map((b) => ({
    from: round(b.from),
    to: round(b.to),
    count: b.count,
    meanPredicted: b.count ? round(b.sumPredicted / b.count) : 0,
    observedRate: b.count ? round(b.positives / b.count) : 0,
  }));
}
