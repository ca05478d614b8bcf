import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/**
 * A webhook receiver on 127.0.0.1 that checks every message the way a
 * customer's would: `new Webhook(secret).verify(body, headers)` from the
 * `standardwebhooks` package, with the secret the test registered for its
 * tag. Under /r/<tag>/<kind> it answers 200 (`ok`), 500 (`fail`), 410
 * (`gone`), a 302 to its own `ok` path (`redirect`), or whatever the test last
 * set for the tag (`switch`, 200 until set). The test API:
 *   POST /__secret {tag, secret}   the secret to verify the tag's messages with
 *   POST /__status {tag, status}   what `switch` answers
 *   GET  /__received?tag=<tag>     what arrived, in order
 */

export interface ReceivedMessage {
  tag: string;
  kind: string;
  answered: number;
  headers: Record<string, string>;
  body: string;
  verified: boolean;
  verifyError: string | null;
  at: number;
}

const KINDS: Record<string, number> = { ok: 200, fail: 500, gone: 410, redirect: 302 };

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

export async function startWebhookReceiver(port = 0) {
  const secrets = new Map<string, string>();
  const statuses = new Map<string, number>();
  const received: ReceivedMessage[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? "/", "http://receiver");
    const body = await readBody(req);
    if (url.pathname === "/__received") return json(res, 200, received.filter((m) => m.tag === url.searchParams.get("tag")));
    if (url.pathname === "/__secret" || url.pathname === "/__status") {
      const input = JSON.parse(body || "{}") as { tag: string; secret?: string; status?: number };
      if (input.secret) secrets.set(input.tag, input.secret);
      if (input.status) statuses.set(input.tag, input.status);
      return json(res, 200, { ok: true });
    }
    const match = /^\/r\/([^/]+)\/([a-z]+)$/.exec(url.pathname);
    if (!match || req.method !== "POST") return json(res, 404, { error: "unknown path" });
    const [, tag = "", kind = ""] = match;
    const answered = kind === "switch" ? (statuses.get(tag) ?? 200) : (KINDS[kind] ?? 404);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
    let verified = false;
    let verifyError: string | null = null;
    try {
      const secret = secrets.get(tag);
      if (!secret) throw new Error("no secret registered for this tag");
      new Webhook(secret).verify(body, headers);
      verified = true;
    } catch (err) {
      verifyError = String((err as Error).message ?? err);
    }
    received.push({ tag, kind, answered, headers, body, verified, verifyError, at: Date.now() });
    if (answered === 302) {
      res.writeHead(302, { location: `/r/${tag}/ok` });
      return res.end();
    }
    return json(res, answered, { received: true, tag });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { error: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
