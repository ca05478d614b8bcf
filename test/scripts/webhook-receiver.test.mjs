import { test } from "node:test";
import assert from "node:assert/strict";
import { once } from "node:events";
import { randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { createWebhookReceiver } from "../../scripts/webhook-receiver.mjs";

const secret = `whsec_${randomBytes(24).toString("base64")}`;

async function listening(options) {
  const lines = [];
  const server = createWebhookReceiver({ secret, print: (line) => lines.push(line), ...options });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { url: `http://127.0.0.1:${server.address().port}/`, lines, close: () => new Promise((resolve) => server.close(resolve)) };
}

function signed(id, body, signWith = secret) {
  const timestamp = new Date();
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(Math.floor(timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(signWith).sign(id, timestamp, body),
  };
}

const message = JSON.stringify({ type: "deal.stage_entered", timestamp: new Date().toISOString(), data: { object: { id: "d1", title: "Globex — Platform licence" } } });

test("a message signed with the endpoint's secret is verified, printed and answered 200", async () => {
  const receiver = await listening({});
  try {
    const res = await fetch(receiver.url, { method: "POST", headers: signed("msg_good", message), body: message });
    assert.equal(res.status, 200);
    assert.equal(receiver.lines.length, 1);
    assert.match(receiver.lines[0], /msg_good {2}deal\.stage_entered {2}✓ verified {2}"Globex — Platform licence"/);
  } finally {
    await receiver.close();
  }
});

test("a tampered body, a wrong secret or no signature is rejected with 401", async () => {
  const receiver = await listening({});
  try {
    const tampered = message.replace("Platform licence", "Free licence");
    const other = `whsec_${randomBytes(24).toString("base64")}`;
    const { "webhook-signature": _, ...unsigned } = signed("msg_unsigned", message);
    const answers = await Promise.all([
      fetch(receiver.url, { method: "POST", headers: signed("msg_tampered", message), body: tampered }),
      fetch(receiver.url, { method: "POST", headers: signed("msg_other", message, other), body: message }),
      fetch(receiver.url, { method: "POST", headers: unsigned, body: message }),
    ]);
    assert.deepEqual(answers.map((r) => r.status), [401, 401, 401]);
    assert.equal(receiver.lines.length, 3);
    for (const line of receiver.lines) assert.match(line, /✗ rejected/);
  } finally {
    await receiver.close();
  }
});

test("a verified message gets the status chosen to try retries and disabling", async () => {
  const receiver = await listening({ status: 410 });
  try {
    const res = await fetch(receiver.url, { method: "POST", headers: signed("msg_gone", message), body: message });
    assert.equal(res.status, 410);
    assert.match(receiver.lines[0], /✓ verified/);
  } finally {
    await receiver.close();
  }
});
