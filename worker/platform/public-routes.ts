/**
 * The only `/api` routes that answer without an access token. Everything
 * else is closed by the global guard in app.ts, so a route that forgets its
 * own auth middleware fails closed. Each entry says why it is public; signed
 * webhooks authenticate the vendor by signature or key inside the route.
 */
export interface PublicRoute {
  method: "GET" | "POST";
  pattern: RegExp;
  why: string;
  /** A vendor proves itself with a signature or key: failed proofs are counted per address. */
  signed?: true;
}

const SEG = "[^/]+";

export const PUBLIC_ROUTES: readonly PublicRoute[] = [
  { method: "GET", pattern: /^\/api\/health$/, why: "liveness probe" },
  { method: "GET", pattern: /^\/api\/openapi\.json$/, why: "API description" },
  { method: "GET", pattern: /^\/api\/docs(\/init\.js)?$/, why: "API docs page" },
  { method: "POST", pattern: /^\/api\/auth\/(register|login|refresh)$/, why: "obtaining tokens" },
  { method: "GET", pattern: new RegExp(`^/api/invitations/${SEG}$`), why: "invitation link, secret in the path" },
  { method: "POST", pattern: new RegExp(`^/api/invitations/${SEG}/accept$`), why: "invitation link, secret in the path" },
  { method: "GET", pattern: new RegExp(`^/api/help/${SEG}(/articles(/${SEG})?|/suggest)?$`), why: "public help center" },
  { method: "POST", pattern: new RegExp(`^/api/help/${SEG}/(articles/${SEG}/feedback|tickets)$`), why: "public help center forms" },
  {
    method: "POST",
    pattern: new RegExp(`^/api/telephony/twilio/${SEG}/(voice|status|recording|queue-wait|dial-status|voicemail)$`),
    why: "Twilio webhooks, X-Twilio-Signature checked",
    signed: true,
  },
  { method: "POST", pattern: new RegExp(`^/api/telephony/pbx/${SEG}/events$`), why: "PBX webhook, HMAC signature checked", signed: true },
  { method: "GET", pattern: new RegExp(`^/api/telephony/3cx/${SEG}/lookup$`), why: "3CX contact lookup, provider key checked", signed: true },
  { method: "POST", pattern: new RegExp(`^/api/telephony/3cx/${SEG}/journal$`), why: "3CX call journal, provider key checked", signed: true },
  { method: "POST", pattern: new RegExp(`^/api/financial/stripe/${SEG}/webhook$`), why: "Stripe webhooks, Stripe-Signature checked", signed: true },
  { method: "GET", pattern: new RegExp(`^/api/public/documents/${SEG}(/pdf)?$`), why: "the customer's invoice or quote link, secret in the path" },
  { method: "POST", pattern: new RegExp(`^/api/public/documents/${SEG}/(pay|accept|decline)$`), why: "the customer's pay and quote answer buttons, secret in the path" },
];

function publicRoute(method: string, path: string): PublicRoute | undefined {
  // HEAD is answered like GET by Hono, so it shares GET's list.
  const m = method === "HEAD" ? "GET" : method;
  return PUBLIC_ROUTES.find((r) => r.method === m && r.pattern.test(path));
}

export const isPublicRoute = (method: string, path: string): boolean => publicRoute(method, path) !== undefined;

export const isSignedWebhook = (method: string, path: string): boolean => publicRoute(method, path)?.signed === true;
