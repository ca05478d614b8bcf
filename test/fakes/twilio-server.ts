import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { FAKE_TWILIO } from "./twilio-fixtures";

/**
 * A local stand-in for api.twilio.com speaking Twilio's REST wire format:
 * HTTP basic auth with AccountSid:AuthToken, JSON resources, and errors as
 * `{code, message, more_info, status}`. Started once per test run (vitest
 * globalSetup); its URL reaches tests through `inject("twilioFakeUrl")`.
 */

function twilioError(res: ServerResponse, status: number, code: number, message: string) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status }));
}

function credentials(req: IncomingMessage): [string, string] | null {
  const match = /^Basic (.+)$/.exec(req.headers.authorization ?? "");
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const i = decoded.indexOf(":");
  return i < 0 ? null : [decoded.slice(0, i), decoded.slice(i + 1)];
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
  const creds = credentials(req);
  const known = Object.values(FAKE_TWILIO).find((a) => a.accountSid === creds?.[0]);
  if (!creds || !known || known.authToken !== creds[1]) return twilioError(res, 401, 20003, "Authenticate");
  if (!account || req.method !== "GET") return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
  if (account[1] !== known.accountSid) return twilioError(res, 404, 20404, `The requested resource ${url.pathname} was not found`);
  const suspended = known === FAKE_TWILIO.suspended;
  res.writeHead(200, { "content-type": "application/json" });
  res.end(
    JSON.stringify({
      sid: known.accountSid,
      friendly_name: known.friendlyName,
      status: suspended ? "suspended" : "active",
      type: "Full",
      owner_account_sid: known.accountSid,
      date_created: "Thu, 01 Jan 2026 00:00:00 +0000",
      date_updated: "Thu, 01 Jan 2026 00:00:00 +0000",
      uri: `/2010-04-01/Accounts/${known.accountSid}.json`,
    }),
  );
}

export default async function setup(project: TestProject) {
  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  project.provide("twilioFakeUrl", `http://127.0.0.1:${port}`);
  return () => new Promise<void>((resolve) => server.close(() => resolve()));
}
