import { routePartykitRequest } from "partyserver";
import { YServer } from "y-partyserver";
import app from "../worker/index";

export { DealRoom } from "../rooms/deal-room";
export { OrgRoom } from "../rooms/org-room";

/** The baseline: a bare y-partyserver room with no auth and no persistence. */
export class BareRoom extends YServer {}

export default {
  async fetch(request, env, ctx) {
    if (new URL(request.url).pathname.startsWith("/parties/bare-room/")) {
      return (await routePartykitRequest(request, env)) ?? new Response("no room", { status: 404 });
    }
    return app.fetch(request, env, ctx);
  },
} satisfies ExportedHandler<Cloudflare.Env>;
