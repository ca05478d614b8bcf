import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../platform/env";
import { requestRefresh } from "./scoring-jobs";

/**
 * After a successful CRM write through the API (leads, contacts, companies,
 * activities, imports, deals), asks for a score refresh. Board edits reach
 * deals through the organization room, which asks by itself after it
 * projects them.
 */
const CRM_WRITES = /^\/api\/(leads|contacts|companies|activities|imports|deals|kanban)(\/|$)/;

export const scoringNudge = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === "GET" || c.res.status >= 300 || !CRM_WRITES.test(c.req.path)) return;
  const auth = c.get("auth");
  if (!auth) return;
  const sent = requestRefresh(c.env, auth.orgId).catch((err) => console.error(JSON.stringify({ level: "warn", msg: "score refresh not requested", err: String(err) })));
  try {
    c.executionCtx.waitUntil(sent);
  } catch {
    await sent;
  }
});
