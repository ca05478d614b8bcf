/**
 * L2-regularized logistic regression over binary features, trained by
 * full-batch gradient descent from zero weights for a fixed number of steps.
 *
 * Why this and not naive Bayes: the features overlap (a referral lead also
 * tends to have a corporate email and early activity); naive Bayes counts
 * such evidence twice and its probabilities drift to 0 and 1, while logistic
 * regression weighs each feature given the others, so the points a score
 * shows per factor stay honest and the probabilities calibrate. Why this
 * solver: no randomness and no convergence test, so the same rows in the same
 * order always give bit-identical weights, and its cost is steps × active
 * features (20,000 outcomes train in well under a second).
 */

export interface LogisticModel {
  bias: number;
  weights: number[];
}

/** A row as the indices of its active (value 1) features. */
export type SparseRow = readonly number[];

export interface TrainOptions {
  iterations: number;
  step: number;
  l2: number;
}

export const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

export function logit(model: LogisticModel, row: SparseRow): number {
  let z = model.bias;
  for (const j of row) z += model.weights[j] ?? 0;
  return z;
}

export function trainLogistic(rows: readonly SparseRow[], labels: readonly (0 | 1)[], dim: number, opts: TrainOptions): LogisticModel {
  if (rows.length !== labels.length) throw new Error("rows and labels differ in length");
  const n = rows.length;
  const w = new Float64Array(dim);
  const grad = new Float64Array(dim);
  let bias = 0;
  if (n === 0) return { bias, weights: Array.from(w) };
  for (let it = 0; it < opts.iterations; it++) {
    grad.fill(0);
    let biasGrad = 0;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      let z = bias;
      for (const j of row) z += w[j]!;
      const err = sigmoid(z) - labels[i]!;
      biasGrad += err;
      for (const j of row) grad[j]! += err;
    }
    for (let j = 0; j < dim; j++) w[j] = w[j]! - opts.step * (grad[j]! / n + opts.l2 * w[j]!);
    bias -= opts.step * (biasGrad / n);
  }
  return { bias, weights: Array.from(w) };
}
