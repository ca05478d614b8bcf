/**
 * The Worker's bindings and secrets, as `wrangler types` would declare them:
 * ambient, so `Cloudflare.Env` (what "cloudflare:workers", partyserver and
 * worker/platform/env.ts use) names the Durable Object classes without any
 * module importing rooms/ or a feature for its types. README "Configuration"
 * lists the same.
 */
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    ORG_ROOM: DurableObjectNamespace<import("../rooms/org-room").OrgRoom>;
    DEAL_ROOM: DurableObjectNamespace<import("../rooms/deal-room").DealRoom>;
    SLA_CLOCK: DurableObjectNamespace<import("./support").SlaClock>;
    /** One per Asterisk / FreePBX provider: holds ARI's event WebSocket. */
    ARI_LINK: DurableObjectNamespace<import("./telephony").AriLink>;
    ASSETS: Fetcher;
    /** Recordings, attachments and mail parts; keys are prefixed with the organization id. */
    FILES: R2Bucket;
    CACHE: KVNamespace;
    JOBS: Queue<import("./platform/job-queue").Job>;
    JWT_SECRET: string;
    /** Base64 of 32 random bytes: the AES-GCM key that encrypts provider credentials at rest. */
    ENCRYPTION_KEY: string;
    /** Domain of each organization's inbound support address (support+<slug>@<domain>); a local default when unset. */
    EMAIL_DOMAIN?: string;
    /** Cloudflare Email Routing `send_email` binding: when present, public replies go out through it. */
    SEND_EMAIL?: SendEmail;
    /** HTTP email API (Mailgun's `messages.mime` endpoint, e.g. https://api.mailgun.net/v3/<domain>/messages.mime) and its key. */
    EMAIL_API_URL?: string;
    EMAIL_API_KEY?: string;
    /** Twilio REST base overriding https://api.twilio.com (test servers, regional edges); a provider's apiBaseUrl wins. */
    TWILIO_API_BASE?: string;
    /**
     * "true" lets outbound requests reach loopback (127.0.0.0/8, ::1, localhost; http too), for the local fake
     * vendor servers of `npm start` and the tests (worker/platform/outbound-fetch.ts). Never set in production.
     */
    OUTBOUND_ALLOW_LOOPBACK?: string;
  }
}
