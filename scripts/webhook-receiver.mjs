// `npm run webhook:listen -- --secret whsec_…`: a local receiver for
// NeuraCRM's outbound webhooks. It checks each message's Standard Webhooks
// signature with the `standardwebhooks` package, prints one line per
// delivery, and answers the status you choose (410 disables the endpoint,
// 500 makes NeuraCRM retry), so the whole delivery path can be tried on one
// machine.
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { Webhook } from "standardwebhooks";

const MAX_BODY_BYTES = 1024 * 1024;

/** What a person reads to know which record the message is about. */
export function recordLabel(object) {
  if (!object || typeof object !== "object") return "";
  const person = [object.firstName, object.lastName].filter(Boolean).join(" ");
  return String(object.title ?? object.name ?? object.subject ?? (person || (object.number ?? object.message ?? object.id ?? "")));
}

/**
 * Checks one message. `verified` is null without a secret (nothing to check
 * against); with one, a missing, stale or wrong signature is false.
 */
export function inspectDelivery(secret, headers, body) {
  let payload = null;
  let verified = null;
  let problem = null;
  if (secret) {
    try {
      payload = new Webhook(secret).verify(body, headers);
      verified = true;
    } catch (error) {
      verified = false;
      problem = error.message;
    }
  }
  if (payload === null) {
    try {
      payload = JSON.parse(body);
    } catch {
      problem ??= "The body is not JSON";
    }
  }
  return { id: headers["webhook-id"] ?? "-", type: payload?.type ?? "-", verified, problem, label: recordLabel(payload?.data?.object) };
}

export function formatDelivery(d) {
  const mark = d.verified === null ? "? unverified (no --secret)" : d.verified ? "✓ verified" : `✗ rejected: ${d.problem}`;
  return [new Date().toISOString().slice(11, 19), d.id, d.type, mark, d.label ? `"${d.label}"` : ""].filter(Boolean).join("  ");
}

/**
 * An HTTP server that takes POSTs on any path. A message whose signature
 * fails answers 401 (so NeuraCRM retries it and its log shows why); every
 * other one answers `status`.
 */
export function createWebhookReceiver({ secret, status = 200, print = console.log, onDelivery = () => {} }) {
  return createServer((req, res) => {
    if (req.method !== "POST") {
      res.writeHead(405, { allow: "POST" }).end();
      return;
    }
    const chunks = [];
    let size = 0;
    req.on("data", (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.headersSent) return;
      const delivery = inspectDelivery(secret, req.headers, Buffer.concat(chunks).toString("utf8"));
      print(formatDelivery(delivery));
      onDelivery(delivery);
      const answer = delivery.verified === false ? 401 : status;
      res.writeHead(answer, { "content-type": "application/json" }).end(JSON.stringify({ received: answer < 300 }));
    });
  });
}

function main() {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8789" },
      secret: { type: "string", default: process.env.WEBHOOK_SECRET },
      status: { type: "string", default: "200" },
    },
  });
  const port = Number(values.port);
  const status = Number(values.status);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port ${values.port} is not a port`);
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new Error(`--status ${values.status} is not an HTTP status`);
  if (values.secret && !values.secret.startsWith("whsec_")) throw new Error("--secret is the endpoint's whsec_… signing secret");
  const server = createWebhookReceiver({ secret: values.secret, status });
  server.listen(port, "127.0.0.1", () => {
    console.log(`Listening on http://127.0.0.1:${server.address().port}/ (answering ${status})`);
    console.log(values.secret ? "Verifying signatures with the given secret." : "No --secret (or WEBHOOK_SECRET): deliveries are printed unverified.");
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
