import type { OrgRoom } from "../rooms/org-room";
import type { Role } from "../schema";

export interface Env {
  DB: D1Database;
  ORG_ROOM: DurableObjectNamespace<OrgRoom>;
  ASSETS: Fetcher;
  JWT_SECRET: string;
}

export interface AuthContext {
  userId: string;
  orgId: string;
  role: Role;
  sessionId: string;
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
