import { createMiddleware } from "hono/factory";
import type { AppEnv } from "./env";
import { clientIp } from "./client-ip";
import { directoryDb } from "./db";
import { isSignedWebhook } from "./public-routes";
import { countWebhookAuthFailure, refuseExhaustedWebhookAuth } from "./abuse-limits";

/**
 * Every credential check is rate-limited, the vendors' signatures and keys
 * included: an address whose signed-webhook requests keep failing their
 * check (401 or 403) is refused for a while before anything is checked.
 */
export const webhookAuthLimit = createMiddleware<AppEnv>(async (c, next) => {
  if (!isSignedWebhook(c.req.method, c.req.path)) return next();
  const db = directoryDb(c.env);
  const ip = clientIp(c);
  await refuseExhaustedWebhookAuth(db, ip);
  await next();
  if (c.res.status === 401 || c.res.status === 403) await countWebhookAuthFailure(db, ip);
});
