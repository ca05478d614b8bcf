import type { EventOrigin, Role } from "../../schema";

/**
 * Every binding and secret the Worker has, declared once in worker/bindings.d.ts
 * (the way `wrangler types` declares them): that file names the Durable Object
 * classes of rooms/ and the features, which platform/ may not import.
 */
export type Env = Cloudflare.Env;

export interface AuthContext {
  userId: string;
  orgId: string;
  role: Role;
  sessionId: string;
  /** The organization's row-level rule: with "own", agents see only records they own. */
  recordVisibility: "all" | "own";
  /** Set when the caller is an API key (`nc_…`): the permissions it may use, on top of its role's. */
  apiKey?: { id: string; scopes: readonly string[] | null };
  /** Set when a workflow acts (as its owner): the events its changes raise carry it, for the loop guard. */
  origin?: EventOrigin;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
