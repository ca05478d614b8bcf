import type { Env } from "../../platform/env";
import { orgDb } from "../../platform/db";
import { applyCallEvent, type CallEvent } from "../calls";
import type { CallEventStatus } from "../call-state";
import { userForExtension } from "../extensions";
import { hangupStatus } from "../pbx/pbx-events";
import type { ProviderRow } from "../providers/providers";

/**
 * ARI's event WebSocket (`/ari/events?app=...&subscribeAll=true`) mapped to
 * the call core. ARI's Channel has no linkedid, so the legs of one call are
 * tied by the inherited channel variable NEURACRM_CALL_ID (ari.conf:
 * `channelvars = NEURACRM_CALL_ID,NEURACRM_AGENT`): our click-to-call sets it
 * on the agent's leg (with NEURACRM_AGENT), an inbound dialplan sets
 * `__NEURACRM_CALL_ID=${UNIQUEID}` on entry. Without it each channel counts
 * as its own call. Helper channels (Local/, Snoop/, ...) are ignored.
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
export async function ingestAriEvent(env: Pick<Env, "DB" | "ORG_ROOM" | "JOBS">, provider: ProviderRow, event: AriEventJson, now = Date.now()): Promise<boolean> {
  const channel = event.channel;
  const status = ariStatus(event);
  if (!channel?.id || !status || HELPER_CHANNELS.test(channel.name)) return false;
  const orgId = provider.orgId;
  const db = orgDb(env, orgId);
  const vars = channel.channelvars ?? {};
  const ours = vars.NEURACRM_CALL_ID || null;
  const at = ariTime(event.timestamp, now);
  const outbound = !!vars.NEURACRM_AGENT;
  const extension = channelExtension(channel.name);
  const legUser = extension ? await userForExtension(db, orgId, provider.id, extension) : null;
  // "Answered" is the far side picking up: for click-to-call the customer's leg
  // (not the agent's own phone), for inbound calls an agent's leg (not the trunk
  // being answered by an IVR or queue).
  if (status === "in_progress" && (outbound ? channel.id === ours : ours !== null && !legUser)) return false;
  const agentUserId = outbound ? await userForExtension(db, orgId, provider.id, vars.NEURACRM_AGENT!) : legUser;
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
