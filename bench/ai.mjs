// What the Worker adds to the assistant's first streamed token: the time from
// sending a question to the first `delta` event through the Worker
// (authentication, conversation and message writes, rate limit and budget
// checks, the tool list, the SDK), against the first content chunk of the
// same fake OpenAI-compatible server called directly, in the same run. The
// fake answers after a hosted model's typical time to first token, so the
// ratio says how much slower the assistant feels than the bare model.
// Target: p50 ratio ≤ 1.5x (the Worker adds at most half of a model's own wait).
import { printRow, summarize } from "./stats.mjs";

const N = 40;
const TARGET_RATIO = 1.5;

/** Milliseconds until the stream's first chunk that satisfies `isFirst` (the body is then drained). */
async function firstChunk(res, isFirst, t0) {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let at = null;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
    if (at === null && isFirst(text)) at = performance.now() - t0;
  }
  if (at === null) throw new Error(`no first token in: ${text.slice(0, 300)}`);
  return at;
}

export async function benchAi({ url, token, fakeUrl, fakeKey, modelFirstTokenMs }) {
  const direct = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const res = await fetch(`${fakeUrl}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${fakeKey}` },
      body: JSON.stringify({ model: "bench", stream: true, messages: [{ role: "user", content: `question ${i}` }] }),
    });
    direct.push(await firstChunk(res, (t) => t.includes('"content":"O'), t0));
  }
  const auth = { authorization: `Bearer ${token}`, "content-type": "application/json" };
  const conversation = await fetch(`${url}/api/ai/conversations`, { method: "POST", headers: auth, body: JSON.stringify({ title: "Bench" }) }).then((r) => r.json());
  if (!conversation.success) throw new Error(`conversation: ${JSON.stringify(conversation)}`);
  const worker = [];
  for (let i = 0; i < N; i++) {
    const t0 = performance.now();
    const res = await fetch(`${url}/api/ai/conversations/${conversation.data.id}/messages`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ content: `question ${i}` }),
    });
    worker.push(await firstChunk(res, (t) => t.includes("event: delta"), t0));
  }
  const d = summarize(direct);
  const w = summarize(worker);
  console.log(`\nAI: time to the first streamed token (sequential; fake OpenAI-compatible server on loopback, first token after ${modelFirstTokenMs} ms)`);
  printRow("fake server directly (baseline)", d);
  printRow("through the Worker's assistant", w);
  const ratio = w.p50 / d.p50;
  console.log(`  ratio p50 ${ratio.toFixed(2)}x, p95 ${(w.p95 / d.p95).toFixed(2)}x; target p50 ≤ ${TARGET_RATIO}x: ${ratio <= TARGET_RATIO ? "met" : "NOT met"}; the Worker adds ${(w.p50 - d.p50).toFixed(1)} ms at p50`);
  return { direct: d, worker: w, ratio };
}
