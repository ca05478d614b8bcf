/**
 * Who is signed in, to which organization, with which permissions. Tokens are
 * kept by `api-client.ts`; this mirrors the identity they carry for the UI and keeps
 * it in step when another tab signs in, switches organization or signs out.
 *
 * The last identity is remembered on the device, so with no network the app
 * still opens as the same person (working on the local board copy) instead of
 * failing or signing out; only the server saying 401 ends a session.
 */
import {
	ApiError,
	clearTokens,
	currentTokens,
	onTokensChange,
	storeAuth,
	type SessionEndReason
} from '$lib/api/api-client';
import { clearOfflineCache, isNetworkError } from '$lib/api/offline-cache';
import { client, data, publicClient } from '$lib/api/typed-api';
import { clearLocalDealNotes } from '$lib/board/deal-notes.svelte';
import { clearLocalBoards } from '$lib/board/local-board';
import type { AuthResult, Me, Organization, Role, User } from './identity-types';

const LAST_ME_KEY = 'neuracrm.me';

function readLastMe(userId: string, organizationId: string): Me | null {
	try {
		const me = JSON.parse(localStorage.getItem(LAST_ME_KEY) ?? 'null') as Me | null;
		return me?.user?.id === userId && me.organization?.id === organizationId ? me : null;
	} catch {
		return null;
	}
}

export type SessionStatus = 'loading' | 'authenticated' | 'anonymous' | 'error';

class Session {
	status = $state<SessionStatus>('loading');
	user = $state<User | null>(null);
	organization = $state<Organization | null>(null);
	role = $state<Role | null>(null);
	permissions = $state<string[]>([]);
	/** Set when the session ended on its own (expired, signed out elsewhere). */
	endReason = $state<SessionEndReason | null>(null);
	loadError = $state<string | null>(null);
	/** Signed in from the remembered identity because the server could not be reached. */
	offline = $state(false);

	#started = false;

	can(permission: string): boolean {
		return this.permissions.includes(permission);
	}

	/** Load the identity behind stored tokens; safe to call more than once. */
	start() {
		if (this.#started) return;
		this.#started = true;
		onTokensChange((tokens, reason) => {
			if (!tokens) {
				if (this.status === 'authenticated') this.endReason = reason ?? 'signed-out';
				this.#reset();
				return;
			}
			if (
				this.status !== 'authenticated' ||
				tokens.organizationId !== this.organization?.id ||
				tokens.userId !== this.user?.id
			) {
				void this.reload();
			}
		});
		// Back online after starting offline: confirm the identity with the server.
		window.addEventListener('online', () => {
			if (this.offline || this.status === 'error') void this.reload();
		});
		void this.reload();
	}

	async reload() {
		const tokens = currentTokens();
		if (!tokens) {
			this.#reset();
			return;
		}
		if (this.status !== 'authenticated') this.status = 'loading';
		this.loadError = null;
		try {
			this.#apply(await data(client.api.auth.me.$get()));
		} catch (err) {
			const last = readLastMe(tokens.userId, tokens.organizationId);
			if (err instanceof ApiError && err.status === 401) {
				this.#reset();
			} else if (isNetworkError(err) && last) {
				this.#apply(last);
				this.offline = true;
			} else {
				this.loadError = err instanceof Error ? err.message : 'Something went wrong.';
				this.status = 'error';
			}
		}
	}

	#apply(me: Me) {
		this.offline = false;
		try {
			const { user, organization, role, permissions } = me;
			localStorage.setItem(LAST_ME_KEY, JSON.stringify({ user, organization, role, permissions }));
		} catch {
			// Storage blocked: offline start-up just won't know who this was.
		}
		this.user = me.user;
		this.organization = me.organization;
		this.role = me.role;
		this.permissions = me.permissions;
		this.endReason = null;
		this.loadError = null;
		this.status = 'authenticated';
	}

	#reset() {
		localStorage.removeItem(LAST_ME_KEY);
		this.offline = false;
		this.user = null;
		this.organization = null;
		this.role = null;
		this.permissions = [];
		this.status = 'anonymous';
	}

	/** Adopt an AuthResult from login, register, switch or invitation accept. */
	signedIn(auth: AuthResult) {
		this.#apply(auth);
		storeAuth(auth);
	}

	/** After a rename: the token still names the same organization. */
	organizationUpdated(organization: Organization) {
		if (organization.id === this.organization?.id) this.organization = organization;
	}

	async login(email: string, password: string) {
		this.signedIn(
			await data(publicClient.api.auth.login.$post({ json: { email, password } }))
		);
	}

	async register(input: {
		name: string;
		email: string;
		password: string;
		organizationName: string;
	}) {
		this.signedIn(
			await data(publicClient.api.auth.register.$post({ json: input }))
		);
	}

	async switchOrganization(organizationId: string) {
		this.signedIn(
			await data(client.api.auth.switch.$post({ json: { organizationId } }))
		);
	}

	async logout() {
		const tokens = currentTokens();
		try {
			if (tokens) {
				// Revokes the session and clears the refresh cookie.
				await data(client.api.auth.logout.$post());
			}
		} catch {
			// Signing out locally matters more than telling the server; its tokens expire anyway.
		} finally {
			clearTokens('signed-out');
			this.endReason = null;
			this.#reset();
			// Nothing of this organization stays on the device after signing out.
			clearOfflineCache();
			// Not awaited: another tab may hold a board copy open until it notices the sign-out.
			void clearLocalBoards();
			void clearLocalDealNotes();
		}
	}
}

export const session = new Session();
