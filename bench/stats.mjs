export function percentile(sorted, p) {
  if (!sorted.length) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i];
}

export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  return { n: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s.at(-1) };
}

export const fmt = (ms) => `${ms.toFixed(2)} ms`;

export function printRow(label, st) {
  console.log(
    `  ${label.padEnd(34)} n=${String(st.n).padStart(4)}  p50 ${fmt(st.p50).padStart(10)}  p95 ${fmt(st.p95).padStart(10)}  p99 ${fmt(st.p99).padStart(10)}`,
  );
}
