/** How roles are named, shown and handed out. */
import type { Role } from './identity-types';

export const ROLE_LABELS: Record<Role, string> = {
	owner: 'Owner',
	admin: 'Admin',
	manager: 'Manager',
	agent: 'Agent',
	viewer: 'Viewer'
};

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
	owner: 'Full control, including ownership and organization settings.',
	admin: 'Manages members, invitations and organization settings.',
	manager: 'Works on all records and oversees the team.',
	agent: 'Works on customer records day to day.',
	viewer: 'Read-only access to records.'
};

export const ROLE_BADGES: Record<Role, string> = {
	owner: 'bg-indigo-50 text-indigo-700 ring-indigo-600/20',
	admin: 'bg-violet-50 text-violet-700 ring-violet-600/20',
	manager: 'bg-sky-50 text-sky-700 ring-sky-600/20',
	agent: 'bg-emerald-50 text-emerald-700 ring-emerald-600/20',
	viewer: 'bg-slate-100 text-slate-700 ring-slate-500/20'
};

/**
 * Which roles each role may hand out or take away (mirrors the server's table in
 * worker/lib/permissions.ts): only owners touch owners, nobody grants above their own.
 */
export const ASSIGNABLE_ROLES: Record<Role, readonly Role[]> = {
	owner: ['owner', 'admin', 'manager', 'agent', 'viewer'],
	admin: ['admin', 'manager', 'agent', 'viewer'],
	manager: ['agent', 'viewer'],
	agent: [],
	viewer: []
};

export function roleLabel(role: string): string {
	return ROLE_LABELS[role as Role] ?? role;
}
