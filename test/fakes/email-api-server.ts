import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { FAKE_MAILGUN } from "./email-api-fixtures";

/**
 * A local stand-in for Mailgun's sending API in its wire format:
 * `POST /v3/<domain>/messages.mime` with HTTP basic auth `api:<key>` and a
 * multipart form holding `to` and the raw MIME `message`; answers
 * `{id, message: "Queued. Thank you."}` or Mailgun's error bodies. Accepted
 * messages can be read back with `GET /__sent?to=<address>` (a test-only
 * inspection route), so tests check the exact MIME that went out.
 */

interface SentMessage {
  id: string;
  to: string;
  mime: string;
}

const sent: SentMessage[] = [];

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

async function readBody(req: IncomingMessage) {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  if (req.method === "GET" && url.pathname === "/__sent") {
    const to = url.searchParams.get("to");
    return json(res, 200, sent.filter((m) => !to || m.to === to));
  }
  const match = /^\/v3\/([^/]+)\/messages\.mime$/.exec(url.pathname);
  if (!match || req.method !== "POST") return json(res, 404, { message: "Not Found" });
  const auth = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  const decoded = auth ? Buffer.from(auth[1]!, "base64").toString("utf8") : "";
  if (decoded !== `api:${FAKE_MAILGUN.apiKey}`) {
    res.writeHead(401, { "content-type": "text/plain" });
    return res.end("Forbidden");
  }
  if (match[1] !== FAKE_MAILGUN.domain) return json(res, 404, { message: `Domain not found: ${match[1]}` });
  const form = await new Response(await readBody(req), { headers: { "content-type": req.headers["content-type"] ?? "" } })
    .formData()
    .catch(() => null);
  const to = form?.get("to");
  const message = form?.get("message") as unknown;
  if (typeof to !== "string" || !to) return json(res, 400, { message: "to parameter is missing" });
  if (!(message instanceof Blob)) return json(res, 400, { message: "message parameter is missing" });
  if (to.endsWith(`@${FAKE_MAILGUN.refusedDomain}`)) return json(res, 400, { message: `'to' parameter is not a valid address. please check documentation` });
  const id = `<${Date.now()}.${sent.length + 1}@${FAKE_MAILGUN.domain}>`;
  sent.push({ id, to, mime: await message.text() });
  return json(res, 200, { id, message: "Queued. Thank you." });
}

export default async function setup(project: TestProject) {
  const server = createServer((req, res) => {
    handle(req, res).catch((err) => json(res, 500, { message: String(err) }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("emailApiFakeUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
