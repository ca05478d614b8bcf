import { describe, expect, it } from "vitest";
import { AppError } from "../../../worker/platform/errors";
import { assertOutboundUrl, outboundFetch, outboundUrlProblem } from "../../../worker/platform/outbound-fetch";
import { probeHits as hits, probeTag as tagged, probeUrl as probe } from "./outbound-probe-helpers";

/** Production: nothing set. */
const PRODUCTION = {};
/** `npm start` and the tests: the fake servers on 127.0.0.1 may be reached. */
const LOCAL = { OUTBOUND_ALLOW_LOOPBACK: "true" };

/** What the probe's echo answers. */
interface Echo {
  path: string;
  headers: Record<string, string>;
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const err = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, "expected a refusal").toBeInstanceOf(AppError);
  return err as AppError;
}

describe("which URLs the guard lets through", () => {
  it("refuses private, loopback, link-local, CGNAT, unspecified, multicast and metadata addresses", () => {
    for (const url of [
      "https://10.0.0.5/",
      "https://172.16.3.4/",
      "https://192.168.1.1:8089/ari",
      "https://169.254.169.254/latest/meta-data/",
      "https://100.64.0.1/",
      "https://100.100.100.200/",
      "https://0.0.0.0/",
      "https://224.0.0.1/",
      "https://255.255.255.255/",
      "https://[fc00::1]/",
      "https://[fd00:ec2::254]/",
      "https://[fe80::1]/",
      "https://[::]/",
      "https://[ff02::1]/",
      "https://[::ffff:10.0.0.1]/",
      "https://[::ffff:169.254.169.254]/",
      "https://[::ffff:8.8.8.8]/",
    ]) {
      expect(outboundUrlProblem(PRODUCTION, url), url).not.toBeNull();
      expect(outboundUrlProblem(LOCAL, url), url).not.toBeNull();
    }
  });

  it("refuses loopback in every spelling unless OUTBOUND_ALLOW_LOOPBACK is true", () => {
    for (const url of [
      "https://127.0.0.1/",
      "https://127.8.9.10/",
      "https://2130706433/",
      "https://0x7f.1/",
      "https://0177.0.0.1/",
      "https://127.1/",
      "https://[::1]/",
      "https://localhost/",
      "https://LOCALHOST./",
      "https://api.localhost/",
      "http://127.0.0.1:8080/",
      "http://localhost:3000/",
    ]) {
      expect(outboundUrlProblem(PRODUCTION, url), url).toMatch(/loopback|https/);
      expect(outboundUrlProblem(LOCAL, url), url).toBeNull();
    }
  });

  it("refuses internal names, plain http, other schemes and credentials in the URL", () => {
    for (const url of [
      "https://metadata.google.internal/computeMetadata/v1/",
      "https://metadata/",
      "https://printer.local/",
      "https://pbx.corp.internal:8089/",
      "https://router.home.arpa/",
      "http://api.twilio.com/",
      "ftp://files.example.com/",
      "file:///etc/passwd",
      "https://user:pass@pbx.example.com/",
      "https://user@pbx.example.com/",
      "not a url",
    ]) {
      expect(outboundUrlProblem(PRODUCTION, url), url).not.toBeNull();
      expect(outboundUrlProblem(LOCAL, url), url).not.toBeNull();
    }
  });

  it("lets public https hosts and addresses through", () => {
    for (const url of ["https://api.twilio.com/2010-04-01", "https://pbx.example.com:8089/ari", "https://8.8.8.8/", "https://[2606:4700:4700::1111]/", "https://api.eu.mailgun.net/v3/x/messages.mime"]) {
      expect(outboundUrlProblem(PRODUCTION, url), url).toBeNull();
    }
  });

  it("answers outbound_blocked (422) with the reason", () => {
    try {
      assertOutboundUrl(PRODUCTION, "https://169.254.169.254/");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(AppError);
      expect((err as AppError).code).toBe("outbound_blocked");
      expect((err as AppError).status).toBe(422);
      expect((err as AppError).message).toContain("169.254.169.254");
    }
  });
});

describe("fetching through the guard", () => {
  it("reaches loopback only when allowed, sending nothing otherwise", async () => {
    const tag = tagged("flag");
    const err = await refusal(outboundFetch(PRODUCTION, `${probe()}/echo?tag=${tag}`));
    expect(err.code).toBe("outbound_blocked");
    expect(await hits(tag)).toEqual([]);

    const res = await outboundFetch(LOCAL, `${probe()}/echo?tag=${tag}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ path: "/echo" });
    expect(await hits(tag)).toHaveLength(1);
  });

  it("re-checks every redirect and refuses one to a private or metadata address", async () => {
    for (const to of ["https://10.0.0.1/admin", "https://169.254.169.254/latest/meta-data/", "http://example.com/", "https://[::ffff:127.0.0.1]/"]) {
      const tag = tagged("redir");
      const err = await refusal(outboundFetch(LOCAL, `${probe()}/redirect?tag=${tag}&to=${encodeURIComponent(to)}`));
      expect(err.code, to).toBe("outbound_blocked");
      expect(await hits(tag)).toHaveLength(1);
    }
  });

  it("follows an allowed redirect, dropping credentials when the origin changes", async () => {
    const tag = tagged("hop");
    const sameOrigin = `${probe()}/echo?tag=${tag}`;
    const res = await outboundFetch(LOCAL, `${probe()}/redirect?status=307&tag=${tag}&to=${encodeURIComponent(sameOrigin)}`, { headers: { authorization: "Basic c2VjcmV0" } });
    expect(((await res.json()) as Echo).headers.authorization).toBe("Basic c2VjcmV0");

    const otherOrigin = sameOrigin.replace("127.0.0.1", "localhost");
    const moved = await outboundFetch(LOCAL, `${probe()}/redirect?tag=${tag}&to=${encodeURIComponent(otherOrigin)}`, { headers: { authorization: "Basic c2VjcmV0" } });
    expect(moved.status).toBe(200);
    expect(((await moved.json()) as Echo).headers).not.toHaveProperty("authorization");
  });

  it("stops after a few redirects", async () => {
    const tag = tagged("loop");
    const err = await refusal(outboundFetch(LOCAL, `${probe()}/loop?tag=${tag}`, { maxRedirects: 3 }));
    expect(err.code).toBe("outbound_blocked");
    expect(err.message).toContain("redirects");
    expect(await hits(tag)).toHaveLength(4);
  });

  it("cuts off an answer larger than the cap while it streams in", async () => {
    const tag = tagged("big");
    const res = await outboundFetch(LOCAL, `${probe()}/endless?tag=${tag}`, { maxBytes: 200_000 });
    const err = await refusal(res.arrayBuffer());
    expect(err.code).toBe("provider_error");
    expect(err.message).toContain("200000 bytes");
    await expect.poll(async () => (await hits(tag))[0]?.aborted).toBe(true);

    const declared = await refusal(outboundFetch(LOCAL, `${probe()}/declared?bytes=5000`, { maxBytes: 4000 }));
    expect(declared.code).toBe("provider_error");
    expect(await (await outboundFetch(LOCAL, `${probe()}/declared?bytes=4000`, { maxBytes: 4000 })).text()).toHaveLength(4000);
  });

  it("gives up on a server that never answers", async () => {
    const err = await outboundFetch(LOCAL, `${probe()}/never`, { timeoutMs: 300 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).name).toMatch(/TimeoutError|AbortError/);
  });
});
