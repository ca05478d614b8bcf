import AccessToken from "twilio/lib/jwt/AccessToken.js";
import type { Env } from "../../platform/env";
import type { Db } from "../../platform/db";
import { providerSecrets } from "../providers/providers";
import { identityForUser, twilioProviderOf, type TwilioPublicConfig } from "./twilio-webhook";

/** One hour: the browser's Device refreshes it on `tokenWillExpire`. */
export const TOKEN_TTL_SECONDS = 3600;

/**
 * An Access Token for `@twilio/voice-sdk`'s Device: signed with the
 * provider's API key, a Voice grant that places outgoing calls through the
 * TwiML app (our voice URL) and accepts incoming calls to the agent's identity.
 */
export async function voiceToken(env: Pick<Env, "ENCRYPTION_KEY">, db: Db, orgId: string, userId: string, providerId?: string) {
  const provider = await twilioProviderOf(db, orgId, providerId);
  const secrets = await providerSecrets(env, provider);
  const identity = await identityForUser(db, orgId, provider.id, userId);
  const config = provider.publicConfig as TwilioPublicConfig;
  const token = new AccessToken(String(secrets.accountSid), String(secrets.apiKeySid), String(secrets.apiKeySecret), { identity, ttl: TOKEN_TTL_SECONDS });
  token.addGrant(new AccessToken.VoiceGrant({ outgoingApplicationSid: config.twimlAppSid, incomingAllow: true }));
  const issuedAt = Math.floor(Date.now() / 1000);
  return { token: token.toJwt(), identity, expiresAt: (issuedAt + TOKEN_TTL_SECONDS) * 1000, providerId: provider.id };
}
