/** Shapes of the identity API (sign-in, organizations, members, invitations; see worker/identity). */
import type { client, DataOf, publicClient } from '$lib/api/typed-api';

export const ROLES = ['owner', 'admin', 'manager', 'agent', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export type AuthResult = DataOf<ReturnType<typeof publicClient.api.auth.login.$post>>;
export type Me = DataOf<ReturnType<typeof client.api.auth.me.$get>>;

export type User = Me['user'];
export type Organization = Me['organization'];
/** `recordVisibility` "own": agents see only records they own (and get an event-only room socket). */
export type OrganizationSettings = Organization['settings'];

/** An organization of the signed-in user, with their role in it. */
export type Membership = DataOf<ReturnType<typeof client.api.organizations.$get>>[number];

/** Times are epoch milliseconds, as the API sends them. */
export type Member = DataOf<ReturnType<typeof client.api.users.$get>>[number];

export type Invitation = DataOf<ReturnType<typeof client.api.organizations.current.invitations.$get>>[number];
export type CreatedInvitation = DataOf<ReturnType<typeof client.api.organizations.current.invitations.$post>>;

/** `accountExists` is only for the invitee's own session: nobody else learns whether the email has an account. */
export type InvitationPreview = DataOf<ReturnType<(typeof publicClient.api.invitations)[':token']['$get']>>;
