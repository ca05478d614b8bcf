import { DurableObject } from "cloudflare:workers";
import type { Env } from "../../platform/env";
import { directoryDb } from "../../platform/db";
import { outboundFetch } from "../../platform/outbound-fetch";
import { ariErrorMessage } from "./ari-client";
import { ingestAriEvent, type AriEventJson } from "./ari-events";
import { providerForWebhook, providerSecrets } from "../providers/providers";

/** Checks the socket this often; a dead one is reopened at the next check at the latest. */
const KEEPALIVE_MS = 30_000;
const MAX_BACKOFF_MS = 5 * 60_000;

export interface AriLinkStatus {
  providerId: string | null;
  enabled: boolean;
  connected: boolean;
  eventsApplied: number;
  lastEventAt: number | null;
  lastError: string | null;
  attempts: number;
}

/**
 * One per Asterisk / FreePBX provider: holds ARI's event WebSocket
 * (`/ari/events?app=<application>&api_key=<user>:<password>&subscribeAll=true`)
 * open and feeds channel events into the call core. An alarm keeps the
 * object alive and reopens the socket with exponential backoff when it
 * drops or cannot be opened.
 */
export class AriLink extends DurableObject<Env> {
  private socket: WebSocket | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  async start(providerId: string): Promise<AriLinkStatus> {
    await this.ctx.storage.put({ providerId, enabled: true, attempts: 0 });
    await this.openSocket();
    await this.ctx.storage.setAlarm(Date.now() + KEEPALIVE_MS);
    return this.status();
  }

  async stop(): Promise<AriLinkStatus> {
    await this.ctx.storage.put("enabled", false);
    await this.ctx.storage.deleteAlarm();
    this.socket?.close(1000, "stopped");
    this.socket = null;
    return this.status();
  }

  async status(): Promise<AriLinkStatus> {
    const s = await this.ctx.storage.get(["providerId", "enabled", "eventsApplied", "lastEventAt", "lastError", "attempts"]);
    return {
      providerId: (s.get("providerId") as string) ?? null,
      enabled: (s.get("enabled") as boolean) ?? false,
      connected: this.socket !== null,
      eventsApplied: (s.get("eventsApplied") as number) ?? 0,
      lastEventAt: (s.get("lastEventAt") as number) ?? null,
      lastError: (s.get("lastError") as string) ?? null,
      attempts: (s.get("attempts") as number) ?? 0,
    };
  }

  override async alarm(): Promise<void> {
    if (!(await this.ctx.storage.get<boolean>("enabled"))) return;
    const attempts = (await this.ctx.storage.get<number>("attempts")) ?? 0;
    if (!this.socket) await this.openSocket();
    const delay = this.socket ? KEEPALIVE_MS : Math.min(MAX_BACKOFF_MS, 1000 * 2 ** Math.min(attempts, 9));
    await this.ctx.storage.setAlarm(Date.now() + delay);
  }

  private async fail(message: string) {
    const attempts = ((await this.ctx.storage.get<number>("attempts")) ?? 0) + 1;
    await this.ctx.storage.put({ lastError: message.slice(0, 300), attempts });
  }

  private async openSocket(): Promise<void> {
    const providerId = await this.ctx.storage.get<string>("providerId");
    if (!providerId || this.socket) return;
    const provider = await providerForWebhook(directoryDb(this.env), providerId);
    if (!provider || !provider.enabled || (provider.type !== "asterisk" && provider.type !== "freepbx")) {
      await this.ctx.storage.put("enabled", false);
      return this.fail("The provider is gone, disabled, or not Asterisk / FreePBX");
    }
    const secrets = await providerSecrets(this.env, provider);
    const config = provider.publicConfig;
    const query = new URLSearchParams({ app: config.application ?? "neuracrm", api_key: `${secrets.username}:${secrets.password}`, subscribeAll: "true" });
    let res: Response;
    try {
      res = await outboundFetch(this.env, `${config.baseUrl}/ari/events?${query}`, { headers: { Upgrade: "websocket" } });
    } catch (err) {
      return this.fail(`Could not reach Asterisk ARI: ${err instanceof Error ? err.message : String(err)}`);
    }
    const ws = res.webSocket;
    if (res.status !== 101 || !ws) return this.fail(`Asterisk ARI refused the event WebSocket (HTTP ${res.status}): ${await ariErrorMessage(res)}`);
    ws.accept();
    this.socket = ws;
    await this.ctx.storage.put({ attempts: 0, lastError: null });
    ws.addEventListener("message", (msg) => {
      // One event at a time, in arrival order; a bad event is skipped, not fatal.
      this.queue = this.queue.then(() => this.handle(provider.id, msg.data)).catch((err) => this.fail(`Event failed: ${String(err)}`));
    });
    const closed = (reason: string) => {
      if (this.socket !== ws) return;
      this.socket = null;
      void this.fail(`Event WebSocket closed: ${reason}`).then(() => this.ctx.storage.setAlarm(Date.now() + 1000));
    };
    ws.addEventListener("close", (e) => closed(`${e.code} ${e.reason}`));
    ws.addEventListener("error", () => closed("error"));
  }

  private async handle(providerId: string, data: unknown) {
    if (typeof data !== "string") return;
    let event: AriEventJson;
    try {
      event = JSON.parse(data);
    } catch {
      return;
    }
    // Read per event: a provider deleted or moved meanwhile must not receive more.
    const provider = await providerForWebhook(directoryDb(this.env), providerId);
    if (!provider) return;
    if (await ingestAriEvent(this.env, provider, event)) {
      const applied = ((await this.ctx.storage.get<number>("eventsApplied")) ?? 0) + 1;
      await this.ctx.storage.put({ eventsApplied: applied, lastEventAt: Date.now() });
    }
  }
}
