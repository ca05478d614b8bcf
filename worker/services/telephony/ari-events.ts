import type { Env } from "../../env";
import { orgDb } from "../../lib/db";
import { applyCallEvent, type CallEvent } from "./calls";
import type { CallEventStatus } from "./call-state";
import { userForExtension } from "./extensions";
import { hangupStatus } from "./pbx-events";
import type { ProviderRow } from "./providers";

/**
 * ARI's event WebSocket (`/ari/events?app=...&subscribeAll=true`) mapped to
 * the call core. A call is keyed by the NEURACRM_CALL_ID channel variable our
 * click-to-call sets and the dialed leg inherits (visible when
 * `channelvars = NEURACRM_CALL_ID,NEURACRM_AGENT` is in ari.conf), else by the channel id; helper channels (Local/, Snoop/, ...)
 * are ignored.
 */

export interface AriChannelJson {
  id: string;
  name: string;
  state: string;
  caller?: { name?: string; number?: string };
  connected?: { name?: string; number?: string };
  dialplan?: { context?: string; exten?: string };
  channelvars?: Record<string, string>;
}

export interface AriEventJson {
  type: string;
  timestamp?: string;
  application?: string;
  channel?: AriChannelJson;
  cause?: number;
  cause_txt?: string;
}

const HELPER_CHANNELS = /^(Local|Snoop|Announcer|Recorder|UnicastRTP|Message)\//;

/** The status an ARI event means for its call, or null when it means nothing to us. */
export function ariStatus(event: AriEventJson): CallEventStatus | null {
  switch (event.type) {
    case "StasisStart":
    case "ChannelCreated":
      return "initiated";
    case "ChannelStateChange":
      if (event.channel?.state === "Ringing" || event.channel?.state === "Ring") return "ringing";
      if (event.channel?.state === "Up") return "in_progress";
      return null;
    case "ChannelHold":
      return "on_hold";
    case "ChannelUnhold":
      return "resumed";
    case "ChannelHangupRequest":
    case "ChannelDestroyed":
      return hangupStatus(undefined, event.cause);
    default:
      return null;
  }
}

/** ARI's timestamps: "2026-11-26T16:40:01.123+0000". */
export function ariTime(text: string | undefined, fallback: number): number {
  if (!text) return fallback;
  const ms = Date.parse(text.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
  return Number.isFinite(ms) ? ms : fallback;
}

/** The extension behind a channel name ("PJSIP/1001-0000002a" → "1001"). */
const channelExtension = (name: string) => /^[A-Za-z0-9]+\/([^-@]+)/.exec(name)?.[1] ?? null;

/** Applies one ARI event to its call; answers whether it was used. */
export async function ingestAriEvent(env: Pick<Env, "DB" | "ORG_ROOM">, provider: ProviderRow, event: AriEventJson, now = Date.now()): Promise<boolean> {
  const channel = event.channel;
  const status = ariStatus(event);
  if (!channel?.id || !status || HELPER_CHANNELS.test(channel.name)) return false;
  const orgId = provider.orgId;
  const db = orgDb(env, orgId);
  const vars = channel.channelvars ?? {};
  const ours = vars.NEURACRM_CALL_ID || null;
  const at = ariTime(event.timestamp, now);
  // The agent's own leg of a click-to-call going Up is the agent picking up, not the customer answering.
  if (ours && channel.id === ours && status === "in_progress") return false;
  const extension = channelExtension(channel.name);
  const agentExtension = vars.NEURACRM_AGENT || extension;
  const agentUserId = agentExtension ? await userForExtension(db, orgId, provider.id, agentExtension) : null;
  const outbound = !!ours;
  const callerNumber = channel.caller?.number ?? "";
  const dialed = channel.dialplan?.exten && channel.dialplan.exten !== "s" ? channel.dialplan.exten : "";
  const call: CallEvent = {
    providerId: provider.id,
    providerCallId: ours ?? channel.id,
    eventId: `ari:${event.type}:${channel.id}:${at}`,
    status,
    at,
    direction: outbound ? "outbound" : "inbound",
    from: outbound ? (vars.NEURACRM_AGENT ?? extension ?? "") : callerNumber,
    to: outbound ? dialed || channel.connected?.number || "" : dialed,
    ...(agentUserId ? { agentUserId } : {}),
    data: { source: "ari", ariEvent: event.type, channel: channel.name, ...(event.cause !== undefined ? { cause: event.cause } : {}) },
  };
  await applyCallEvent(env, orgId, call);
  return true;
}
