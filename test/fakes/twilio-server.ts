import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestProject } from "vitest/node";
import { FAKE_OVERSIZE_WAV_BYTES, FAKE_TWILIO, fakeRecordingMedia, fakeRecordingWav } from "./twilio-fixtures";

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

/** What the fake received (REST calls only), for tests to read back at GET /__fake/requests. */
const received: { method: string; path: string; accountSid: string; form: Record<string, string | string[]> }[] = [];
const deletedRecordings = new Set<string>();
/** Recordings whose WAV declares FAKE_OVERSIZE_WAV_BYTES: a long call, as its content-length tells before any audio. */
const oversizeWavs = new Set<string>();
/** Calls hung up through `Status=completed`; Twilio refuses to update them again (21220). */
const endedCalls = new Set<string>();
let callSeq = 0;

function readForm(req: IncomingMessage): Promise<Record<string, string | string[]>> {
  return new Promise((resolve) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of new URLSearchParams(body)) {
        const prev = out[k];
        out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      resolve(out);
    });
  });
}

const RFC2822 = (d = new Date()) => d.toUTCString().replace("GMT", "+0000");

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify(body));
}

/** Twilio's Call resource (the fields we read, plus the usual ones). */
function callResource(accountSid: string, sid: string, form: Record<string, string | string[]>, status: string) {
  return {
    sid,
    account_sid: accountSid,
    parent_call_sid: null,
    to: form.To ?? "",
    from: form.From ?? "",
    status,
    direction: "outbound-api",
    api_version: "2010-04-01",
    date_created: RFC2822(),
    date_updated: RFC2822(),
    start_time: null,
    end_time: null,
    duration: null,
    price: null,
    uri: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}.json`,
    subresource_uris: { recordings: `/2010-04-01/Accounts/${accountSid}/Calls/${sid}/Recordings.json` },
  };
}

async function handleAccount(req: IncomingMessage, res: ServerResponse, accountSid: string, rest: string) {
  const notFound = () => twilioError(res, 404, 20404, `The requested resource /2010-04-01/Accounts/${accountSid}${rest} was not found`);
  const form = req.method === "POST" ? await readForm(req) : {};
  const call = /^\/Calls(?:\/(CA[0-9a-fA-F]{32}))?\.json$/.exec(rest);
  const recording = /^\/Recordings\/(RE[0-9a-fA-F]{32})\.(json|mp3|wav)$/.exec(rest);
  if (call || recording) received.push({ method: req.method ?? "GET", path: rest, accountSid, form });
  if (call && req.method === "POST" && !call[1]) {
    if (!form.To || !form.From || (!form.Url && !form.Twiml)) return twilioError(res, 400, 21205, "Url, Twiml, or ApplicationSid parameter is required, with To and From");
    const sid = `CA${Date.now().toString(16).padStart(16, "0")}${(callSeq++).toString(16).padStart(16, "0")}`.slice(0, 34);
    return json(res, 201, callResource(accountSid, sid, form, "queued"));
  }
  if (call && req.method === "POST" && call[1]) {
    const sid = call[1];
    if (endedCalls.has(sid)) return twilioError(res, 400, 21220, "Call is not in-progress. Cannot redirect.");
    if (form.Status !== undefined && form.Status !== "completed" && form.Status !== "canceled") return twilioError(res, 400, 21218, "Invalid Status");
    if (!form.Status && !form.Url && !form.Twiml) return twilioError(res, 400, 21205, "Url, Twiml or Status is required");
    if (form.Status) endedCalls.add(sid);
    return json(res, 200, callResource(accountSid, sid, form, form.Status ? "completed" : "in-progress"));
  }
  if (recording) {
    const [, sid, ext] = recording;
    if (deletedRecordings.has(sid!)) return notFound();
    if (req.method === "DELETE" && ext === "json") {
      deletedRecordings.add(sid!);
      res.writeHead(204);
      return res.end();
    }
    if (req.method === "GET" && ext === "mp3") {
      res.writeHead(200, { "content-type": "audio/mpeg" });
      return res.end(Buffer.from(fakeRecordingMedia(sid!), "latin1"));
    }
    if (req.method === "GET" && ext === "wav") return sendWav(res, sid!);
  }
  return notFound();
}

/** The recording's WAV with its content-length, as Twilio sends it; an oversize one starts and then stalls until the client hangs up. */
function sendWav(res: ServerResponse, sid: string) {
  const wav = fakeRecordingWav();
  if (!oversizeWavs.has(sid)) {
    res.writeHead(200, { "content-type": "audio/x-wav", "content-length": String(wav.length) });
    return res.end(wav);
  }
  res.writeHead(200, { "content-type": "audio/x-wav", "content-length": String(FAKE_OVERSIZE_WAV_BYTES) });
  res.write(wav.subarray(0, 44));
  // A client that reads on would wait for the rest; this one gives up after a while rather than hold the socket for ever.
  const giveUp = setTimeout(() => res.destroy(), 10_000);
  res.on("close", () => clearTimeout(giveUp));
}

function handle(req: IncomingMessage, res: ServerResponse) {
  const url = new URL(req.url ?? "/", "http://fake");
  if (url.pathname === "/__fake/requests") return json(res, 200, received);
  // A caller hanging up at Twilio before our app hears of it: later updates of the call answer 21220.
  if (url.pathname === "/__fake/hang-up" && req.method === "POST") {
    endedCalls.add(url.searchParams.get("sid") ?? "");
    return json(res, 200, { ended: url.searchParams.get("sid") });
  }
  if (url.pathname === "/__fake/oversize-wav" && req.method === "POST") {
    oversizeWavs.add(url.searchParams.get("sid") ?? "");
    return json(res, 200, { oversize: url.searchParams.get("sid") });
  }
  const sub = /^\/2010-04-01\/Accounts\/([^/]+?)(\/.+)$/.exec(url.pathname);
  const account = /^\/2010-04-01\/Accounts\/([^/]+)\.json$/.exec(url.pathname);
  const creds = credentials(req);
  const known = Object.values(FAKE_TWILIO).find((a) => a.accountSid === creds?.[0]);
  if (!creds || !known || known.authToken !== creds[1]) return twilioError(res, 401, 20003, "Authenticate");
  if (sub && sub[1] === known.accountSid) return void handleAccount(req, res, known.accountSid, sub[2]!);
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
