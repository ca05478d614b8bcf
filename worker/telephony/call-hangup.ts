import type { Env } from "../platform/env";
import type { Db } from "../platform/db";
import { conflict, forbidden, notFound } from "../platform/errors";
import { allows } from "../platform/permissions";
import { auditStatement } from "../platform/audit-writer";
import type { Actor } from "../platform/records";
import { ariHangup } from "./ari/ari-client";
import { requireCall } from "./call-queries";
import { applyCallEvent } from "./calls";
import { customerLegOf } from "./customer-leg";
import { ARI_TYPES } from "./pbx/pbx-originate";
import { providerSecrets, requireProvider } from "./providers/providers";
import { completeCall, twilioAccount } from "./twilio/twilio-rest";

/**
 * Hang-up from the browser, for calls the browser does not carry itself: a
 * desk phone's click-to-call through Asterisk / FreePBX (ARI `DELETE
 * /ari/channels/{id}` on the call's channel; the bridged customer leg goes
 * with it) or a Twilio call (`POST /Calls/{sid}` Status=completed; for an
 * outbound call whose customer was held or transferred, their own leg too,
 * since it has left the agent's call). The call's agent, or a member who
 * manages telephony, may do it. The end is recorded at once (an `ended`
 * timeline row saying who hung up); the provider's own end events that
 * follow find the call ended and change nothing. An ended call answers 409.
 */

type HangupEnv = Pick<Env, "DB" | "ORG_ROOM" | "JOBS" | "ENCRYPTION_KEY" | "OUTBOUND_ALLOW_LOOPBACK"> & { TWILIO_API_BASE?: string };

export async function hangUpCall(env: HangupEnv, db: Db, orgId: string, actor: Actor, callId: string) {
  const call = await requireCall(db, orgId, actor, callId);
  if (call.agentUserId !== actor.userId && !allows(actor, "telephony:manage")) throw forbidden("Only the call's agent or a manager can hang it up");
  if (call.endedAt !== null) throw conflict("The call has already ended");
  const provider = await requireProvider(db, orgId, call.providerId).catch(() => {
    throw notFound("Provider");
  });

  let stillUp: boolean;
  if ((ARI_TYPES as readonly string[]).includes(provider.type)) {
    const secrets = await providerSecrets(env, provider);
    const access = { baseUrl: provider.publicConfig.baseUrl!, username: String(secrets.username), password: String(secrets.password) };
    stillUp = await ariHangup(env, access, call.providerCallId);
  } else if (provider.type === "twilio") {
    const account = await twilioAccount(env, provider);
    const customerLeg = call.direction === "outbound" ? await customerLegOf(db, orgId, call.id) : null;
    const legs = [call.providerCallId, ...(customerLeg && customerLeg !== call.providerCallId ? [customerLeg] : [])];
    const results = [];
    for (const sid of legs) results.push(await completeCall(account, sid));
    stillUp = results.some(Boolean);
  } else {
    throw conflict("3CX calls are hung up on the 3CX phone or app");
  }

  const at = Date.now();
  const result = await applyCallEvent(env, orgId, {
    providerId: provider.id,
    providerCallId: call.providerCallId,
    status: call.answeredAt !== null ? "completed" : "canceled",
    at,
    eventId: `hangup:${at}`,
    data: { hangup: true, by: actor.userId, providerHadEnded: !stillUp },
  });
  await auditStatement(db, orgId, { actorId: actor.userId, action: "hangup", entity: "call", entityId: call.id, changes: { providerHadEnded: !stillUp }, requestId: actor.requestId });
  return result.call;
}
