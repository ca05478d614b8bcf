/** Credentials the fake ARI server (ari-server.ts) accepts; importable from workerd tests. */
export const FAKE_ARI = { username: "neuracrm", password: "ari-secret", version: "20.9.3" } as const;

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the fake Asterisk ARI server, e.g. http://127.0.0.1:40124 (the provider's baseUrl). */
    ariFakeUrl: string;
  }
}
