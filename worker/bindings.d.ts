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
    /** One per organization: the weekly forecast snapshot where crons do not fire. */
    FORECAST_CLOCK: DurableObjectNamespace<import("./forecast").ForecastClock>;
    ASSETS: Fetcher;
    /** Recordings, attachments and mail parts; keys are prefixed with the organization id. */
    FILES: R2Bucket;
    CACHE: KVNamespace;
    JOBS: Queue<import("./platform/job-queue").Job>;
    /** Cloudflare Workflows: each automation run is one instance (worker/automation/workflows). */
    AUTOMATION_RUNS: Workflow<import("../schema/workflows").WorkflowRunParams>;
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
    /** The app's public origin (https://crm.example.com): links in notification emails point there; unset = the email shows app paths. */
    APP_URL?: string;
    /** Twilio REST base overriding https://api.twilio.com (test servers, regional edges); a provider's apiBaseUrl wins. */
    TWILIO_API_BASE?: string;
    /** Stripe API base overriding https://api.stripe.com (the local fake of the tests and `npm start`); a connection's apiBaseUrl wins. */
    STRIPE_API_BASE?: string;
    /**
     * "true" lets outbound requests reach loopback (127.0.0.0/8, ::1, localhost; http too), for the local fake
     * vendor servers of `npm start` and the tests (worker/platform/outbound-fetch.ts). Never set in production.
     */
    OUTBOUND_ALLOW_LOOPBACK?: string;
    /** Workers AI (`[ai]` in wrangler.toml); used when AI_PROVIDER is "workers-ai". Absent under `wrangler dev --local`. */
    AI?: Ai;
    /** "workers-ai" or "openai"; unset = "openai" when OPENAI_API_KEY or OPENAI_BASE_URL is set, otherwise AI is off. */
    AI_PROVIDER?: string;
    /** The operator's OpenAI-compatible server (any URL, loopback included) and its key. */
    OPENAI_API_KEY?: string;
    OPENAI_BASE_URL?: string;
    /** Model ids; defaults per provider in worker/ai/providers/ai-config.ts. */
    AI_CHAT_MODEL?: string;
    AI_TRANSCRIBE_MODEL?: string;
    /** Per-organization monthly defaults (an organization's own setting wins): tokens, and seconds of audio. */
    AI_MONTHLY_TOKEN_BUDGET?: string;
    AI_MONTHLY_AUDIO_SECONDS_BUDGET?: string;
    /** Model requests per user per minute. */
    AI_REQUESTS_PER_MINUTE?: string;
  }
}
