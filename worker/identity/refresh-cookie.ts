import type { Context } from "hono";
import { generateCookie, getCookie } from "hono/cookie";
import type { CookieOptions } from "hono/utils/cookie";
import { AppError } from "../platform/errors";
import { REFRESH_TOKEN_TTL_MS } from "../platform/tokens";

/**
 * Browsers keep the refresh token where page scripts cannot read it: an
 * HttpOnly cookie sent only to the auth routes (refresh and logout live
 * there) and never on a cross-site request. API clients keep getting it in
 * the JSON body and never receive the cookie.
 */
export const REFRESH_COOKIE = "neuracrm_refresh";
export const REFRESH_TRANSPORT_HEADER = "x-refresh-transport";

const ATTRIBUTES: CookieOptions = { path: "/api/auth", httpOnly: true, secure: true, sameSite: "Strict" };

/** For the OpenAPI descriptions of every route that issues tokens. */
export const REFRESH_TRANSPORT_DOC =
  `Browsers send \`X-Refresh-Transport: cookie\`: the refresh token then comes only as the \`${REFRESH_COOKIE}\` cookie ` +
  "(HttpOnly, Secure, SameSite=Strict, Path=/api/auth) and `refreshToken` is left out of the JSON. " +
  "Without the header it is in the JSON and no cookie is set.";

export function wantsRefreshCookie(c: Context): boolean {
  return c.req.header(REFRESH_TRANSPORT_HEADER)?.trim().toLowerCase() === "cookie";
}

export function refreshTokenFromCookie(c: Context): string | undefined {
  return getCookie(c, REFRESH_COOKIE) || undefined;
}

function refreshCookie(token: string): string {
  return generateCookie(REFRESH_COOKIE, token, { ...ATTRIBUTES, maxAge: Math.floor(REFRESH_TOKEN_TTL_MS / 1000) });
}

export function clearedRefreshCookie(): string {
  return generateCookie(REFRESH_COOKIE, "", { ...ATTRIBUTES, maxAge: 0 });
}

/**
 * An auth answer as the caller asked for it: with `viaCookie` the refresh
 * token goes into the cookie and out of the body.
 */
export function deliverRefreshToken<T extends { refreshToken: string }>(
  c: Context,
  result: T,
  viaCookie: boolean,
): Omit<T, "refreshToken"> & { refreshToken?: string } {
  if (!viaCookie) return result;
  c.header("Set-Cookie", refreshCookie(result.refreshToken), { append: true });
  const { refreshToken: _inCookie, ...rest } = result;
  return rest;
}

/** The same refusal, also telling the browser to drop a cookie that no longer works. */
export function withClearedRefreshCookie(err: AppError): AppError {
  return new AppError(err.code, err.message, err.details, { ...err.headers, "Set-Cookie": clearedRefreshCookie() });
}
