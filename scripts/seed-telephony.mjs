// Demo call center: queues, extensions, an Asterisk provider and two weeks of
// call history. The calls arrive exactly as a PBX sends them: one signed
// dialplan event per step (POST /api/telephony/pbx/<id>/events, see README),
// so the history went through the same path as production traffic.
import { createHmac } from "node:crypto";
import { rng } from "./demo-data.mjs";
import { pastBusinessTime } from "./demo-time.mjs";

const CALLS = 90;
// Local D1 serializes writes: more requests in flight only queue up.
const PARALLEL = 2;
const DISPOSITIONS = ["Interested", "Demo booked", "Follow-up needed", "Resolved", "Not interested", "Wrong number", "Left voicemail"];
const OFFICE_NUMBER = "+14155550100";

/** The dialplan's signature: HMAC-SHA256(webhookSecret, "<t>.<body>"). */
function signed(secret, body) {
  const t = Math.floor(Date.now() / 1000);
  return `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
}

async function pushEvent(base, providerId, secret, fields) {
  const body = new URLSearchParams(Object.entries(fields).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString();
  const res = await fetch(`${base}/api/telephony/pbx/${providerId}/events`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-neuracrm-signature": signed(secret, body) },
    body,
  });
  if (res.status !== 200) throw new Error(`telephony seed: event ${fields.event} answered ${res.status}: ${await res.text()}`);
  return (await res.json()).data;
}

async function send(base, token, method, path, body) {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  if (res.status >= 300) throw new Error(`telephony seed: ${method} ${path} answered ${res.status}: ${await res.text()}`);
}

/** The call center's office hours, in the demo support desk's time zone (not the seeding machine's). */
const OFFICE_HOURS = { timeZone: "Europe/Berlin", workingDays: [1, 2, 3, 4, 5], startMinute: 9 * 60, endMinute: 18 * 60, holidays: [] };
/** Past calls ended a while ago: the longest demo call lasts under half an hour. */
const HISTORY_ENDS_BEFORE_NOW = 2 * 3_600_000;

/**
 * One call's dialplan events, in the order Asterisk would emit them. Kept to
 * the events that carry information (the first names the queue), because
 * each one is a full trip through the call core.
 */
function callEvents(r, at, call) {
  const s = (ms) => (ms / 1000).toFixed(3);
  const id = `${Math.floor(at / 1000)}.${call.seq}`;
  const base = { uniqueid: id, linkedid: id, direction: call.direction, from: call.from, to: call.to };
  const events = [{ ...base, event: "ringing", agent: call.agent, queue: call.queue, timestamp: s(at) }];
  let t = at;
  if (!call.answered) {
    t += r.int(15, 45) * 1000;
    const dialstatus = call.direction === "outbound" && r.chance(0.3) ? "BUSY" : call.direction === "inbound" && r.chance(0.5) ? "CANCEL" : "NOANSWER";
    events.push({ ...base, event: "hangup", dialstatus, timestamp: s(t) });
    return events;
  }
  t += r.int(call.direction === "inbound" ? 5 : 4, call.direction === "inbound" ? 45 : 20) * 1000;
  events.push({ ...base, event: "answered", agent: call.agent, timestamp: s(t) });
  if (r.chance(0.15)) {
    t += r.int(30, 180) * 1000;
    events.push({ ...base, event: "hold", timestamp: s(t) });
    t += r.int(15, 120) * 1000;
    events.push({ ...base, event: "unhold", timestamp: s(t) });
  }
  t += r.int(40, 900) * 1000;
  events.push({ ...base, event: "hangup", dialstatus: "ANSWER", hangupcause: 16, disposition: r.chance(0.8) ? r.pick(DISPOSITIONS) : undefined, timestamp: s(t) });
  return events;
}

/**
 * Seeds the demo organization's call center. `api(path, body?)` GETs or
 * POSTs as the demo owner; ctx = {base, token, log}.
 */
export async function seedTelephony(api, ctx) {
  const { base, token, log = () => {} } = ctx;
  const r = rng(4242);
  const users = (await api("/api/users?per_page=100")).filter((u) => u.role !== "viewer");
  const byRole = (role) => users.find((u) => u.role === role) ?? users[0];
  const team = [...new Map([byRole("owner"), byRole("manager"), byRole("agent")].map((u) => [u.id, u])).values()];
  const supportTeam = team.length > 1 ? team.slice(1) : team;

  const sales = await api("/api/telephony/queues", { name: "Sales", strategy: "round_robin", members: team.map((u) => ({ userId: u.id })) });
  const support = await api("/api/telephony/queues", { name: "Support", strategy: "longest_idle", members: supportTeam.map((u) => ({ userId: u.id })) });
  const provider = await api("/api/telephony/providers", {
    type: "asterisk",
    name: "Office PBX (demo)",
    // Nothing listens here: "Test connection" honestly fails until a real PBX is configured.
    config: { baseUrl: "https://pbx.demo.invalid:8089", username: "neuracrm", password: "demo-password-not-a-real-pbx", application: "neuracrm", context: "from-internal" },
    defaultQueueId: sales.id,
  });
  const extensions = team.map((u, i) => ({ user: u, extension: String(1001 + i) }));
  for (const { user, extension } of extensions) {
    await api("/api/telephony/extensions", { providerId: provider.id, userId: user.id, extension, label: `${user.name}'s desk phone` });
  }

  const known = (await api("/api/contacts?per_page=100&sort=createdAt")).map((c) => c.phone).filter(Boolean);
  const stranger = () => `+1${r.int(201, 989)}${r.int(200, 999)}${String(r.int(0, 9999)).padStart(4, "0")}`;
  const plans = Array.from({ length: CALLS }, (_, seq) => {
    const inbound = r.chance(0.62);
    const queue = inbound ? (r.chance(0.6) ? "Sales" : "Support") : undefined;
    const members = queue === "Support" ? extensions.filter((e) => supportTeam.includes(e.user)) : extensions;
    const agent = r.pick(members).extension;
    const customer = r.chance(0.65) && known.length ? r.pick(known) : stranger();
    // The newest few calls are from the last hour, the rest spread over 14 days.
    const at = seq < 3 ? Date.now() - (60 - seq * 15) * 60_000 : pastBusinessTime(r, r.int(0, 13), OFFICE_HOURS, Date.now() - HISTORY_ENDS_BEFORE_NOW);
    return {
      seq,
      at,
      direction: inbound ? "inbound" : "outbound",
      from: inbound ? customer : agent,
      to: inbound ? OFFICE_NUMBER : customer,
      agent,
      queue,
      answered: r.chance(inbound ? 0.78 : 0.64),
    };
  });

  log(`  ${CALLS} calls through the signed dialplan webhook…`);
  const events = plans.map((plan) => callEvents(r, plan.at, plan));
  let next = 0;
  await Promise.all(
    Array.from({ length: PARALLEL }, async () => {
      while (next < events.length) {
        for (const event of events[next++]) await pushEvent(base, provider.id, provider.webhookSecret, event);
      }
    }),
  );
  // Calls ended with the agents in wrap-up; the demo team starts the day available.
  for (const u of team) await send(base, token, "PUT", `/api/agents/${u.id}/status`, { status: "available" });
  return { provider: provider.id, queues: [sales.id, support.id], calls: CALLS };
}
