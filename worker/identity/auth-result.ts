import { z } from "@hono/zod-openapi";
import type { Db } from "../platform/db";
import { permissionsOf } from "../platform/permissions";
import { ROLES, type Role } from "../../schema";
import { publicUser, type User } from "./auth";
import { getOrganization, publicOrganization } from "./organization-service";
import { createSession, type TokenPair } from "../platform/sessions";

export const UserSchema = z
  .object({ id: z.string(), name: z.string(), email: z.string() })
  .openapi("User");

export const OrganizationSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    settings: z.object({
      defaultCountry: z.string().optional(),
      recordVisibility: z.enum(["all", "own"]).optional(),
      timeZone: z.string().optional(),
    }),
    createdAt: z.number().int(),
  })
  .openapi("Organization");

export const RoleSchema = z.enum(ROLES).openapi("Role");

export const AuthResultSchema = z
  .object({
    user: UserSchema,
    organization: OrganizationSchema,
    role: RoleSchema,
    permissions: z.array(z.string()),
    accessToken: z.string(),
    refreshToken: z
      .string()
      .optional()
      .openapi({ description: "Left out when the request sent `X-Refresh-Transport: cookie`: the browser gets it as an HttpOnly cookie instead" }),
    expiresIn: z.number().int().openapi({ description: "Access token lifetime in seconds" }),
  })
  .openapi("AuthResult");

/** As built here, before the route decides whether the refresh token travels in the body or a cookie. */
export type AuthResult = z.infer<typeof AuthResultSchema> & { refreshToken: string };

/** What login, register, refresh, switch and invitation acceptance all answer. */
export async function authResult(
  db: Db,
  user: Pick<User, "id" | "name" | "email">,
  orgId: string,
  role: Role,
  tokens: TokenPair,
): Promise<AuthResult> {
  const org = await getOrganization(db, orgId);
  return {
    user: publicUser(user),
    organization: publicOrganization(org),
    role,
    permissions: permissionsOf(role),
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    expiresIn: tokens.expiresIn,
  };
}

export async function signIn(
  db: Db,
  jwtSecret: string,
  user: Pick<User, "id" | "name" | "email">,
  orgId: string,
  role: Role,
): Promise<AuthResult> {
  const tokens = await createSession(db, jwtSecret, { userId: user.id, orgId, role });
  return authResult(db, user, orgId, role, tokens);
}
