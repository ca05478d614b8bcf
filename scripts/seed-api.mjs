// What the demo seeds share: a JSON client for the public API with the demo
// owner's token, and a pool that runs a few requests at a time in order.

/** `api(path, body?, method?)`: GET without a body, POST with one; any answer ≥ 300 throws, naming the seed. */
export function seedApi(base, token, seed) {
  return async (path, body, method = body === undefined ? "GET" : "POST") => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const json = await res.json().catch(() => ({}));
    if (res.status >= 300) throw new Error(`${seed} seed: ${method} ${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json.data;
  };
}

/** Runs `task` over `items`, `width` at a time, and answers the results in the items' order. */
export async function pool(items, task, width = 4) {
  let next = 0;
  const out = new Array(items.length);
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await task(items[i], i);
      }
    }),
  );
  return out;
}
