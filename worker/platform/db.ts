import { drizzle } from "drizzle-orm/d1";
import * as schema from "../../schema";
import type { Env } from "./env";

export type Db = ReturnType<typeof drizzle<typeof schema>>;

/**
 * The database holding one organization's data. Every service resolves its
 * database through here, so organizations can later be spread over several D1
 * databases (organization-based sharding) by changing only this function.
 */
export function orgDb(env: Pick<Env, "DB">, _orgId: string): Db {
  return drizzle(env.DB, { schema });
}

/**
 * The directory: users, sessions, memberships and the organization list. It
 * stays global when organization data is sharded, because login must find a
 * user before it knows their organization.
 */
export function directoryDb(env: Pick<Env, "DB">): Db {
  return drizzle(env.DB, { schema });
}
