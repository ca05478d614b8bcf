import type { Role } from "../../schema";

/**
 * The one table that decides what each role may do. Every route names the
 * permission it needs; nothing else grants access.
 */
export const PERMISSIONS = {
  "organization:read": ["owner", "admin", "manager", "agent", "viewer"],
  "organization:update": ["owner", "admin"],
  "members:read": ["owner", "admin", "manager", "agent", "viewer"],
  "members:invite": ["owner", "admin", "manager"],
  "members:update": ["owner", "admin"],
  "members:remove": ["owner", "admin"],
  "audit:read": ["owner", "admin"],
  "records:read": ["owner", "admin", "manager", "agent", "viewer"],
  "records:write": ["owner", "admin", "manager", "agent"],
  "records:delete": ["owner", "admin", "manager"],
  "records:read_all": ["owner", "admin", "manager", "viewer"],
  "records:reassign": ["owner", "admin", "manager"],
  "settings:manage": ["owner", "admin"],
  "room:write": ["owner", "admin", "manager", "agent"],
  "agents:status": ["owner", "admin", "manager", "agent"],
  "agents:manage": ["owner", "admin", "manager"],
  "tickets:read": ["owner", "admin", "manager", "agent", "viewer"],
  "tickets:write": ["owner", "admin", "manager", "agent"],
  "tickets:delete": ["owner", "admin", "manager"],
  "support:manage": ["owner", "admin", "manager"],
  "kb:read": ["owner", "admin", "manager", "agent", "viewer"],
  "kb:write": ["owner", "admin", "manager", "agent"],
  "kb:publish": ["owner", "admin", "manager"],
  "telephony:read": ["owner", "admin", "manager", "agent", "viewer"],
  "telephony:work": ["owner", "admin", "manager", "agent"],
  "telephony:manage": ["owner", "admin", "manager"],
  // Provider credentials are the organization's vendor accounts (a Twilio auth token is the account's master key).
  "telephony:providers": ["owner", "admin"],
  // The assistant reads through each tool's own permission and proposes changes the user's role must allow at confirmation.
  "ai:use": ["owner", "admin", "manager", "agent", "viewer"],
  // The organization's own model key, its budgets and the usage report.
  "ai:manage": ["owner", "admin"],
  "scores:override": ["owner", "admin", "manager"],
  "scoring:manage": ["owner", "admin"],
  "forecast:targets": ["owner", "admin", "manager"],
  // Invoices, quotes, payments and revenue are read by every role (agents restricted to their own records see their own).
  "billing:read": ["owner", "admin", "manager", "agent", "viewer"],
  // The catalog, issuing and voiding documents, recording payments and refunds, numbering and the Stripe connection.
  "billing:manage": ["owner", "admin", "manager"],
  // Workflows, their run logs and segments are read by every role; building them changes records at scale.
  "automation:read": ["owner", "admin", "manager", "agent", "viewer"],
  "automation:manage": ["owner", "admin", "manager"],
  // Outbound webhook endpoints and Zapier subscriptions send the organization's records to third parties.
  "webhooks:manage": ["owner", "admin"],
  // Personal API keys act as their creator (viewers' keys only read); organization keys outlive their creator.
  "api_keys:create": ["owner", "admin", "manager", "agent", "viewer"],
  "api_keys:manage": ["owner", "admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

export function can(role: Role, permission: Permission): boolean {
  return (PERMISSIONS[permission] as readonly Role[]).includes(role);
}

export function permissionsOf(role: Role): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(role, p));
}

/** The caller as permission checks see it: a role, and an API key's scopes when the caller is one. */
export interface PermissionHolder {
  role: Role;
  apiKey?: { scopes: readonly string[] | null };
}

/**
 * Whether the caller may do this: their role allows it and, for an API key,
 * its scopes name it (null scopes = whatever the role allows). Every check of
 * the acting caller goes through here, so a key scoped to `records:read`
 * cannot write through any route; `can` stays for other members' roles.
 */
export function allows(who: PermissionHolder, permission: Permission): boolean {
  if (!can(who.role, permission)) return false;
  const scopes = who.apiKey?.scopes;
  return !scopes || scopes.includes(permission);
}

export const allowedPermissions = (who: PermissionHolder): Permission[] =>
  (Object.keys(PERMISSIONS) as Permission[]).filter((p) => allows(who, p));

/** The refusal every permission check throws, naming the key when a scope (not the role) is what is missing. */
export function refusalMessage(who: PermissionHolder, permission: Permission): string {
  if (can(who.role, permission)) return `This API key is not allowed ${permission} (not in its scopes)`;
  return `Your role (${who.role}) does not allow ${permission}`;
}

/**
 * Which roles each role may hand out or take away: only owners touch owners,
 * and nobody grants a role above their own.
 */
const ASSIGNABLE: Record<Role, readonly Role[]> = {
  owner: ["owner", "admin", "manager", "agent", "viewer"],
  admin: ["admin", "manager", "agent", "viewer"],
  manager: ["agent", "viewer"],
  agent: [],
  viewer: [],
};

export function canAssignRole(actor: Role, target: Role): boolean {
  return ASSIGNABLE[actor].includes(target);
}
