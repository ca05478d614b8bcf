/**
 * Identity: sign-in and sessions, organizations, members, invitations and
 * the audit log's reader, and API keys. Mounted under /api by worker/app.ts.
 */
import { createRouter } from "../platform/http";
import { apiKeyRoutes } from "./api-key-routes";
import { auditLogRoutes } from "./audit-log-routes";
import { authRoutes } from "./auth-routes";
import { invitationRoutes } from "./invitation-routes";
import { userRoutes } from "./member-routes";
import { organizationRoutes } from "./organization-routes";

export const identityRoutes = createRouter()
  .route("/auth", authRoutes)
  .route("/organizations", organizationRoutes)
  .route("/invitations", invitationRoutes)
  .route("/users", userRoutes)
  .route("/audit-log", auditLogRoutes)
  .route("/api-keys", apiKeyRoutes);
