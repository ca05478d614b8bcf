/** Credentials the fake ARI server (ari-server.ts) accepts; importable from workerd tests. */
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

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Asterisk ARI server, e.g. http://127.0.0.1:40124 (the provider's baseUrl). */
    ariFakeUrl: string;
  }
}
