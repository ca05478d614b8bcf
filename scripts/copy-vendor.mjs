// Copies the third-party browser files the Worker serves as static assets
// (Swagger UI for /api/docs) into the web build, so nothing loads from a CDN.
import { cpSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { root } from "./dev-server.mjs";

const from = join(root, "node_modules", "swagger-ui-dist");
const to = join(root, "web", "build", "vendor", "swagger-ui");
mkdirSync(to, { recursive: true });
for (const file of ["swagger-ui-bundle.js", "swagger-ui.css"]) cpSync(join(from, file), join(to, file));
