import { routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";
import app from "../worker/index";

export { DealRoom } from "../rooms/deal-room";
export { OrgRoom } from "../rooms/org-room";

/** The baseline: a bare y-partyserver room with no auth and no persistence. */
export class BareRoom extends YServer {}

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    // Bench-only bulk loader (this Worker is never deployed): runs SQL statements in one batch.
    if (pathname === "/__bench/sql" && request.method === "POST") {
      const statements = await request.json<string[]>();
      await env.DB.batch(statements.map((s) => env.DB.prepare(s)));
      return new Response("ok");
    }
    if (pathname.startsWith("/parties/bare-room/")) {
      return (await routePartykitRequest(request, env)) ?? new Response("no room", { status: 404 });
    }
    return app.fetch(request, env, ctx);
  },
  // Domain events, segment evaluations and webhook deliveries run on the JOBS queue, as in production.
  queue: app.queue,
} satisfies ExportedHandler<Cloudflare.Env>;
