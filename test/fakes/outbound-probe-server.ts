import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";

/**
 * A misbehaving web server for the outbound-fetch guard's tests: it
 * redirects wherever it is told, streams an endless body, answers never,
 * answers errors that are not the vendor's format, and echoes the headers it
 * received. Every request is noted under a tag (`?tag=<tag>`, or a path
 * starting /t/<tag>/ so it can stand in as a provider's base URL), so a test
 * can check what reached it (GET /__hits?tag=<tag>).
 */

declare module "vitest" {
  export interface ProvidedContext {
    /** Base URL of the probe server, e.g. http://127.0.0.1:40125. */
    outboundProbeUrl: string;
  }
}

interface Hit {
  tag: string;
  path: string;
  method: string;
  headers: Record<string, string | string[] | undefined>;
  /** For /endless: whether the client hung up while the body was still streaming. */
  aborted?: boolean;
}

const hits: Hit[] = [];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Writes 64 KiB chunks until the client goes away, honoring backpressure. */
function endless(res: ServerResponse, hit: Hit) {
  const chunk = Buffer.alloc(64 * 1024, "x");
  res.writeHead(200, { "content-type": "application/octet-stream" });
  res.on("close", () => (hit.aborted = !res.writableFinished));
  const pump = () => {
    while (!res.destroyed && res.write(chunk));
    if (!res.destroyed) res.once("drain", pump);
  };
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://probe");
  if (url.pathname === "/__hits") return json(res, 200, hits.filter((h) => h.tag === url.searchParams.get("tag")));
  const tagged = /^\/t\/([^/]+)(\/.*)?$/.exec(url.pathname);
  const path = tagged ? (tagged[2] ?? "/") : url.pathname;
  const hit: Hit = { tag: url.searchParams.get("tag") ?? tagged?.[1] ?? "", path, method: req.method ?? "GET", headers: req.headers };
  hits.push(hit);
  // /status/<code>/<anything>: an error page that is not any vendor's JSON, with the tag in it to look for.
  const status = /^\/status\/(\d{3})\//.exec(path);
  if (status) {
    res.writeHead(Number(status[1]), { "content-type": "text/html" });
    return res.end(`<html><body><h1>probe page ${hit.tag}</h1></body></html>`);
  }
  switch (path) {
    case "/redirect":
      res.writeHead(Number(url.searchParams.get("status") ?? 302), { location: url.searchParams.get("to") ?? "/" });
      return res.end();
    case "/loop":
      res.writeHead(302, { location: `/loop?tag=${encodeURIComponent(hit.tag)}` });
      return res.end();
    case "/endless":
      return endless(res, hit);
    case "/declared": {
      const size = Number(url.searchParams.get("bytes") ?? 0);
      res.writeHead(200, { "content-type": "text/plain", "content-length": String(size) });
      return res.end("y".repeat(size));
    }
    // Never answers: a stand-in for a server that hangs.
    case "/never":
      return;
    default:
      return json(res, 200, { path, method: hit.method, headers: req.headers });
  }
}

export default async function setup(project: TestProject) {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("outboundProbeUrl", `http://127.0.0.1:${port}`);
  return () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}
