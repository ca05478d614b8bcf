import { Hono } from "hono";
import type { AppEnv } from "./env";

/**
 * Interactive API docs: Swagger UI, self-hosted (copied from swagger-ui-dist
 * into the static assets at build time) so it works offline and under the
 * same strict CSP as the app: no CDN, no inline script.
 */
const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>NeuraCRM API</title>
  <link rel="stylesheet" href="/vendor/swagger-ui/swagger-ui.css" />
</head>
<body>
  <div id="docs"></div>
  <script src="/vendor/swagger-ui/swagger-ui-bundle.js"></script>
  <script src="/api/docs/init.js"></script>
</body>
</html>`;

const INIT = `window.ui = SwaggerUIBundle({
  url: "/api/openapi.json",
  dom_id: "#docs",
  deepLinking: true,
  persistAuthorization: true,
  tryItOutEnabled: true,
});`;

const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'";

export const docsRoutes = new Hono<AppEnv>()
  .get("/", (c) => c.html(PAGE, 200, { "Content-Security-Policy": CSP }))
  .get("/init.js", (c) => c.body(INIT, 200, { "content-type": "text/javascript; charset=utf-8" }));
