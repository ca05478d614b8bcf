import type { DealRoom } from "../../rooms/deal-room";
import type { OrgRoom } from "../../rooms/org-room";
import type { SlaClock } from "../support/sla/sla-clock";
import type { AriLink } from "../telephony/ari/ari-link";
import type { Role } from "../../schema";
import type { Job } from "./job-queue";

/** Every binding and secret the Worker has; README "Configuration" lists the same. */
export interface Bindings {
  DB: D1Database;
  ORG_ROOM: DurableObjectNamespace<OrgRoom>;
  DEAL_ROOM: DurableObjectNamespace<DealRoom>;
  SLA_CLOCK: DurableObjectNamespace<SlaClock>;
  /** One per Asterisk / FreePBX provider: holds ARI's event WebSocket. */
  ARI_LINK: DurableObjectNamespace<AriLink>;
  ASSETS: Fetcher;
  /** Recordings, attachments and mail parts; keys are prefixed with the organization id. */
  FILES: R2Bucket;
  CACHE: KVNamespace;
  JOBS: Queue<Job>;
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

export type Env = Bindings;

declare global {
  namespace Cloudflare {
    // `env` from "cloudflare:workers" and partyserver's generics use this.
    interface Env extends Bindings {}
  }
}

export interface AuthContext {
  userId: string;
  orgId: string;
  role: Role;
  sessionId: string;
  /** The organization's row-level rule: with "own", agents see only records they own. */
  recordVisibility: "all" | "own";
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    auth: AuthContext;
  };
}
