import { AppError } from "../../platform/errors";
import { outboundFetch, outboundJson, type OutboundEnv } from "../../platform/outbound-fetch";

/**
 * The few Asterisk REST Interface (ARI) calls NeuraCRM makes, through the
 * outbound-fetch guard with HTTP basic auth. ARI answers errors as
 * `{"message": "..."}` and its HTTP server answers bad credentials as
 * `{"error": "..."}` with 401; both reach the user as `provider_error`
 * carrying Asterisk's own words. Anything else is summarized by its status.
 */

const TIMEOUT_MS = 10_000;

export interface AriAccess {
  baseUrl: string;
  username: string;
  password: string;
}

/** ARI's Channel resource (the fields we read). */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller?: { name: string; number: string };
  connected?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number };
  creationtime?: string;
}

export interface OriginateParams {
  /** e.g. "PJSIP/1001": the agent's phone, rung first. */
  endpoint: string;
  /** The number the dialplan dials once the agent answers. */
  extension: string;
  context: string;
  callerId: string;
  /** Our id for the channel; Asterisk uses it as the channel's uniqueid (and linkedid). */
  channelId: string;
  timeoutSeconds?: number;
  /** Channel variables, readable in the dialplan as ${NAME}. */
  variables?: Record<string, string>;
}

const basic = (a: AriAccess) => `Basic ${btoa(`${a.username}:${a.password}`)}`;

/** ARI's own words for a failed request (its JSON `message` or `error`), else the HTTP status. */
export async function ariErrorMessage(res: Response): Promise<string> {
  const body = await outboundJson(res).catch(() => null);
  const words = typeof body?.message === "string" ? body.message : typeof body?.error === "string" ? body.error : null;
  return words ? words.slice(0, 200) : `HTTP ${res.status}`;
}

async function ariError(res: Response): Promise<AppError> {
  const message = await ariErrorMessage(res);
  return new AppError("provider_error", `Asterisk ARI error (${res.status}): ${message}`, { httpStatus: res.status, providerMessage: message });
}

/** A guard refusal stands as it is; any other failure to connect is the PBX's. */
function unreachable(access: AriAccess, err: unknown): AppError {
  if (err instanceof AppError) return err;
  const reason = err instanceof Error ? err.message : String(err);
  return new AppError("provider_error", `Could not reach Asterisk ARI at ${access.baseUrl}: ${reason}`);
}

/** POST /ari/channels: originates a channel to `endpoint` that continues in the dialplan at context/extension/1. */
export async function ariOriginate(env: OutboundEnv, access: AriAccess, params: OriginateParams): Promise<AriChannel> {
  const query = new URLSearchParams({
    endpoint: params.endpoint,
    extension: params.extension,
    context: params.context,
    priority: "1",
    callerId: params.callerId,
    timeout: String(params.timeoutSeconds ?? 30),
    channelId: params.channelId,
  });
  let res: Response;
  try {
    res = await outboundFetch(env, `${access.baseUrl}/ari/channels?${query}`, {
      method: "POST",
      headers: { authorization: basic(access), "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ variables: params.variables ?? {} }),
      timeoutMs: TIMEOUT_MS,
    });
  } catch (err) {
    throw unreachable(access, err);
  }
  if (!res.ok) throw await ariError(res);
  return (await res.json()) as AriChannel;
}

/**
 * DELETE /ari/channels/{channelId}: hangs the channel up (Asterisk answers
 * 204). False when Asterisk no longer knows it (404 "Channel not found": it
 * has hung up already).
 */
export async function ariHangup(env: OutboundEnv, access: AriAccess, channelId: string, reason = "normal"): Promise<boolean> {
  let res: Response;
  try {
    res = await outboundFetch(env, `${access.baseUrl}/ari/channels/${encodeURIComponent(channelId)}?${new URLSearchParams({ reason })}`, {
      method: "DELETE",
      headers: { authorization: basic(access), accept: "application/json" },
      timeoutMs: TIMEOUT_MS,
    });
  } catch (err) {
    throw unreachable(access, err);
  }
  if (res.status === 404) return false;
  if (!res.ok) throw await ariError(res);
  return true;
}
