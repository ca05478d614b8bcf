import type { Env } from "../../platform/env";

/**
 * The public help center's front page is read far more than it changes, so
 * its category list is kept in KV per organization. Any write to the
 * organization's knowledge base drops the entry; the TTL bounds how long a
 * missed drop (KV is eventually consistent across locations) can show.
 */
const TTL_SECONDS = 300;

const homeKey = (orgId: string) => `help:home:${orgId}`;

export async function cachedHelpHome<T>(env: Pick<Env, "CACHE">, orgId: string, build: () => Promise<T>): Promise<T> {
  const hit = await env.CACHE.get<T>(homeKey(orgId), "json");
  if (hit !== null) return hit;
  const fresh = await build();
  await env.CACHE.put(homeKey(orgId), JSON.stringify(fresh), { expirationTtl: TTL_SECONDS });
  return fresh;
}

export function forgetHelpHome(env: Pick<Env, "CACHE">, orgId: string): Promise<void> {
  return env.CACHE.delete(homeKey(orgId));
}
