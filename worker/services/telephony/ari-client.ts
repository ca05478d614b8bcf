import { AppError } from "../../lib/errors";

/**
 * The few Asterisk REST Interface (ARI) calls NeuraCRM makes, over plain
 * `fetch` with HTTP basic auth. ARI answers errors as `{"message": "..."}`
 * and its HTTP server answers bad credentials as `{"error": "..."}` with 401;
 * both reach the user as `provider_error` carrying Asterisk's own words.
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

async function ariError(res: Response): Promise<AppError> {
  const text = await res.text();
  let message = `HTTP ${res.status}`;
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    message = body.message ?? body.error ?? message;
  } catch {
    if (text) message = text.slice(0, 300);
  }
  return new AppError("provider_error", `Asterisk ARI error (${res.status}): ${message}`, { httpStatus: res.status, providerMessage: message });
}

/** POST /ari/channels: originates a channel to `endpoint` that continues in the dialplan at context/extension/1. */
export async function ariOriginate(access: AriAccess, params: OriginateParams): Promise<AriChannel> {
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
    res = await fetch(`${access.baseUrl}/ari/channels?${query}`, {
      method: "POST",
      headers: { authorization: basic(access), "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({ variables: params.variables ?? {} }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError("provider_error", `Could not reach Asterisk ARI at ${access.baseUrl}: ${reason}`);
  }
  if (!res.ok) throw await ariError(res);
  return (await res.json()) as AriChannel;
}

/**
 * DELETE /ari/channels/{channelId}: hangs the channel up (Asterisk answers
 * 204). False when Asterisk no longer knows it (404 "Channel not found": it
 * has hung up already).
 */
export async function ariHangup(access: AriAccess, channelId: string, reason = "normal"): Promise<boolean> {
  let res: Response;
  try {
    res = await fetch(`${access.baseUrl}/ari/channels/${encodeURIComponent(channelId)}?${new URLSearchParams({ reason })}`, {
      method: "DELETE",
      headers: { authorization: basic(access), accept: "application/json" },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new AppError("provider_error", `Could not reach Asterisk ARI at ${access.baseUrl}: ${reason}`);
  }
  if (res.status === 404) return false;
  if (!res.ok) throw await ariError(res);
  return true;
}
