/** Shapes of the identity API (sign-in, organizations, members, invitations; see worker/identity). */
import type { client, DataOf, publicClient } from '$lib/api/typed-api';

export const ROLES = ['owner', 'admin', 'manager', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
	id: string;
	name: string;
	email: string;
}

export interface OrganizationSettings {
	defaultCountry?: string;
	/** "own": agents see only records they own (and get an event-only room socket). */
	recordVisibility?: 'all' | 'own';
	timeZone?: string;
}

export interface Organization {
	id: string;
	name: string;
	slug: string;
	settings?: OrganizationSettings;
}

export type AuthResult = DataOf<ReturnType<typeof publicClient.api.auth.login.$post>>;
export type Me = DataOf<ReturnType<typeof client.api.auth.me.$get>>;

export interface Membership extends Organization {
	role: Role;
}

/** Times are epoch milliseconds, as the API sends them. */
export interface Member extends User {
	role: Role;
	joinedAt: number;
}

export interface Invitation {
	id: string;
	email: string;
	role: Role;
	expiresAt: number;
	createdAt: number;
}

export interface CreatedInvitation {
	invitation: Invitation;
	acceptUrl: string;
}

export interface InvitationPreview {
	organization: { id: string; name: string };
	email: string;
	role: Role;
	invitedBy: { name: string };
	/** Only for the invitee's own session: nobody else learns whether the email has an account. */
	accountExists?: boolean;
	expiresAt?: number;
}
