import { jwtVerify, SignJWT, errors as joseErrors } from "jose";
import type { Role } from "../../schema";
import { ROLES } from "../../schema";
import { AppError, unauthorized } from "./errors";

export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60;
export const REFRESH_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const ISSUER = "neuracrm";
const AUDIENCE = "neuracrm-api";
const ALG = "HS256";

export interface AccessClaims {
  userId: string;
  orgId: string;
  role: Role;
  sessionId: string;
}

function keyOf(secret: string | undefined): Uint8Array {
  if (!secret || secret.length < 32) {
    throw new AppError("not_configured", "JWT_SECRET is not configured (at least 32 characters)");
  }
  return new TextEncoder().encode(secret);
}

export async function signAccessToken(secret: string, claims: AccessClaims): Promise<string> {
  return new SignJWT({ org: claims.orgId, role: claims.role, sid: claims.sessionId })
    .setProtectedHeader({ alg: ALG, typ: "JWT" })
    .setSubject(claims.userId)
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${ACCESS_TOKEN_TTL_SECONDS}s`)
    .sign(keyOf(secret));
}

/** Verifies signature, algorithm (pinned), issuer, audience and expiry. */
export async function verifyAccessToken(secret: string, token: string): Promise<AccessClaims> {
  try {
    const { payload } = await jwtVerify(token, keyOf(secret), {
      algorithms: [ALG],
      issuer: ISSUER,
      audience: AUDIENCE,
    });
    const role = payload.role as Role;
    if (
      typeof payload.sub !== "string" ||
      typeof payload.org !== "string" ||
      typeof payload.sid !== "string" ||
      !ROLES.includes(role)
    ) {
      throw unauthorized("Malformed access token");
    }
    return { userId: payload.sub, orgId: payload.org, role, sessionId: payload.sid };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof joseErrors.JWTExpired) throw unauthorized("Access token expired");
    throw unauthorized("Invalid access token");
  }
}
