// HTTP latency of the API's hot paths, with /api/health as the same-run baseline.
import { printRow, summarize } from "./stats.mjs";

async function time(n, fn) {
  const samples = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    const res = await fn(i);
    if (!res.ok) throw new Error(`request failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

export async function benchApi({ url, token, email, password }) {
  const auth = { authorization: `Bearer ${token}` };
  const health = await time(200, () => fetch(`${url}/api/health`));
  const me = await time(200, () => fetch(`${url}/api/auth/me`, { headers: auth }));
  const users = await time(200, () => fetch(`${url}/api/users?per_page=25`, { headers: auth }));
  // Login is rate limited (5 per 20 s per IP and email); each attempt uses its own address.
  const login = await time(5, (i) =>
    fetch(`${url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "cf-connecting-ip": `198.18.0.${i}` },
      body: JSON.stringify({ email, password }),
    }),
  );
  console.log("\nAPI latency (sequential requests over loopback)");
  printRow("GET /api/health (baseline)", health);
  printRow("GET /api/auth/me", me);
  printRow("GET /api/users", users);
  printRow("POST /api/auth/login (PBKDF2 100k)", login);
  console.log(`  ratio /api/users vs health p50 ${(users.p50 / health.p50).toFixed(2)}x`);
  return { health, me, users, login };
}
