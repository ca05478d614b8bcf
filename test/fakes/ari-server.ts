import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { FAKE_ARI } from "./ari-fixtures";

/**
 * A local stand-in for Asterisk's REST Interface (ARI) speaking its wire
 * format: HTTP basic auth, JSON resources under /ari, `{"message": ...}`
 * errors, and `{"error": "Authentication required"}` with 401 from the HTTP
 * server on bad credentials. globalSetup; URL via `inject("ariFakeUrl")`.
 */

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

function authorized(req: IncomingMessage): boolean {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  if (!match) return false;
  return Buffer.from(match[1]!, "base64").toString("utf8") === `${FAKE_ARI.username}:${FAKE_ARI.password}`;
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  if (!authorized(req)) {
    res.setHeader("www-authenticate", 'Basic realm="Asterisk REST Interface"');
    return json(res, 401, { error: "Authentication required" });
  }
  if (req.method === "GET" && url.pathname === "/ari/asterisk/info") {
    return json(res, 200, {
      build: { os: "Linux", kernel: "6.1.0", machine: "x86_64", options: "", date: "2026-01-01 00:00:00 UTC", user: "root" },
      system: { version: FAKE_ARI.version, entity_id: "02:42:ac:11:00:02" },
      config: { name: "", default_language: "en", setid: { user: "asterisk", group: "asterisk" } },
      status: { startup_time: "2026-11-26T00:00:00.000+0000", last_reload_time: "2026-11-26T00:00:00.000+0000" },
    });
  }
  return json(res, 404, { message: "Resource not found" });
}

export default async function setup(project: TestProject) {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("ariFakeUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
