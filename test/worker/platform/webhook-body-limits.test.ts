import { env } from "cloudflare:workers";
import { getExpectedTwilioSignature } from "twilio/lib/webhooks/webhooks.js";
import { describe, expect, it } from "vitest";
import { TWILIO_WEBHOOKS } from "../../../worker/telephony/twilio/twilio-webhook-routes";
import { MAX_ATTACHMENT_BYTES } from "../../../worker/support/tickets/ticket-attachments";
import { FAKE_TWILIO } from "../../fakes/twilio-fixtures";
import { addMember, api, expectError, registerAccount, type Account } from "../../helpers";
import { createProvider, twilioConfig } from "../../telephony-helpers";
import { openTicketVia } from "../support/support-helpers";
import { addExtension, createPbx, sign, uniqueId } from "../telephony/telephony-pbx-helpers";
import { hookUrl } from "../telephony/telephony-twilio-helpers";

const TEN_MB = 10 * 1024 * 1024;
/** Far below the 10 MB sent, far above any webhook limit: what a cap that cuts the stream off may have pulled. */
const WEBHOOK_PULL_BOUND = 1024 * 1024;
const CHUNK = 64 * 1024;

/**
 * A request body of `prefix` then filler up to `total` bytes, produced only
 * as the reader pulls; `tally.pulled` is how much the worker asked for.
 */
function pulledBody(prefix: string, total: number) {
  const tally = { pulled: 0 };
  const head = new TextEncoder().encode(prefix);
  const filler = new Uint8Array(CHUNK).fill(0x61);
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (tally.pulled >= total) return controller.close();
        const next = tally.pulled === 0 ? head : filler.subarray(0, Math.min(CHUNK, total - tally.pulled));
        tally.pulled += next.length;
        controller.enqueue(next.slice());
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, tally, text: () => prefix + "a".repeat(total - head.length) };
}

type Framing = "chunked" | "content-length";
const FRAMINGS: Framing[] = ["chunked", "content-length"];

/** Posts a body of `total` bytes, declared up front or streamed without a length; answers the result and the bytes pulled. */
async function postHuge(path: string, prefix: string, framing: Framing, headers: Record<string, string>, opts: { token?: string; total?: number } = {}) {
  const total = opts.total ?? TEN_MB;
  const body = pulledBody(prefix, total);
  const res = await api(path, {
    method: "POST",
    token: opts.token,
    rawBody: body.stream,
    headers: framing === "content-length" ? { ...headers, "content-length": String(total) } : headers,
  });
  return { res, pulled: body.tally.pulled };
}

async function telephonyRows(orgId: string) {
  const count = async (table: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE org_id = ?`).bind(orgId).first<{ n: number }>())!.n;
  return { calls: await count("calls"), timeline: await count("call_activities") };
}

async function twilioSetup(owner: Account) {
  const agent = await addMember(owner, "agent", "bigtwa");
  const queue = await api("/api/telephony/queues", { token: owner.token, body: { name: "Big", members: [{ userId: agent.userId }] } });
  return createProvider(owner, { type: "twilio", name: "Twilio", config: twilioConfig(FAKE_TWILIO.active), defaultQueueId: queue.body.data.id });
}

describe("webhook bodies are capped while they stream in", () => {
  it("Twilio: a signed 10 MB body gets 413 on every hook, cut off after the limit, with nothing written", async () => {
    const owner = await registerAccount("bigtw");
    const provider = await twilioSetup(owner);
    const before = await telephonyRows(owner.orgId);
    for (const hook of TWILIO_WEBHOOKS) {
      for (const framing of FRAMINGS) {
        const params = { CallSid: `CA${crypto.randomUUID().replace(/-/g, "")}`, AccountSid: FAKE_TWILIO.active.accountSid, From: "+14155550142", To: "+14155550100", CallStatus: "ringing", Direction: "inbound" };
        const prefix = `${new URLSearchParams(params)}&Pad=`;
        const padding = pulledBody(prefix, TEN_MB).text().slice(prefix.length);
        const signature = getExpectedTwilioSignature(FAKE_TWILIO.active.authToken, hookUrl(provider.id, hook), { ...params, Pad: padding });
        const { res, pulled } = await postHuge(`/api/telephony/twilio/${provider.id}/${hook}`, prefix, framing, {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": signature,
        });
        expectError(res, 413, "payload_too_large");
        expect(pulled, `${hook} ${framing}`).toBeLessThan(WEBHOOK_PULL_BOUND);
      }
    }
    expect(await telephonyRows(owner.orgId)).toEqual(before);
  });

  it("PBX events: a signed 10 MB event gets 413, cut off after the limit, with nothing written", async () => {
    const owner = await registerAccount("bigpbx");
    const agent = await addMember(owner, "agent", "bigpbxa");
    const pbx = await createPbx(owner);
    await addExtension(owner, pbx.id, agent.userId, "1001");
    const before = await telephonyRows(owner.orgId);
    for (const framing of FRAMINGS) {
      const prefix = `event=start&uniqueid=${uniqueId()}&from=4155550132&to=%2B14155550100&pad=`;
      const signature = await sign(pbx.webhookSecret, pulledBody(prefix, TEN_MB).text());
      const { res, pulled } = await postHuge(`/api/telephony/pbx/${pbx.id}/events`, prefix, framing, {
        "content-type": "application/x-www-form-urlencoded",
        "x-neuracrm-signature": signature,
      });
      expectError(res, 413, "payload_too_large");
      expect(pulled, framing).toBeLessThan(WEBHOOK_PULL_BOUND);
    }
    expect(await telephonyRows(owner.orgId)).toEqual(before);
  });

  it("3CX journal: a keyed 10 MB entry gets 413, cut off after the limit, with nothing written", async () => {
    const owner = await registerAccount("big3cx");
    const pbx = await createProvider(owner, { type: "3cx", name: "3CX", config: { pbxUrl: "https://acme.3cx.us" } });
    const before = await telephonyRows(owner.orgId);
    for (const framing of FRAMINGS) {
      const prefix = "callType=Inbound&number=%2B14155550194&callStartUtc=2026-11-20T15%3A00%3A00Z&name=";
      const { res, pulled } = await postHuge(`/api/telephony/3cx/${pbx.id}/journal`, prefix, framing, {
        "content-type": "application/x-www-form-urlencoded",
        "x-neuracrm-key": pbx.webhookSecret,
      });
      expectError(res, 413, "payload_too_large");
      expect(pulled, framing).toBeLessThan(WEBHOOK_PULL_BOUND);
    }
    expect(await telephonyRows(owner.orgId)).toEqual(before);
  });

  it("ticket attachments: a body over the 10 MB limit is cut off at the limit, not read to its end, and nothing is stored", async () => {
    const owner = await registerAccount("bigatt");
    const t = await openTicketVia(owner);
    const total = 2 * MAX_ATTACHMENT_BYTES;
    for (const framing of FRAMINGS) {
      const { res, pulled } = await postHuge(`/api/support/tickets/${t.id}/attachments`, "%PDF-1.4 ", framing, { "content-type": "application/pdf", "x-filename": "big.pdf" }, { token: owner.token, total });
      expectError(res, 413, "payload_too_large");
      expect(pulled, framing).toBeLessThan(MAX_ATTACHMENT_BYTES + WEBHOOK_PULL_BOUND);
    }
    expect((await env.FILES.list({ prefix: `${owner.orgId}/` })).objects).toEqual([]);
    expect((await api(`/api/support/tickets/${t.id}`, { token: owner.token })).body.data.attachments).toEqual([]);
  });
});
