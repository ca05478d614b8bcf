/** Credentials the fake ARI server (ari-http.ts) accepts; importable from workerd and browser tests. */
export const FAKE_ARI = {
  username: "neuracrm",
  password: "ari-secret",
  version: "20.9.3",
  /** An extension the fake PBX cannot reach: originating to it fails as Asterisk does ("Allocation failed"). */
  unreachableExtension: "1999",
} as const;

/** What the fake recorded of one `POST /ari/channels` (read back through GET /__fake/originations/<channelId>). */
export interface FakeOrigination {
  query: Record<string, string>;
  variables: Record<string, string>;
  authorization: string;
}
