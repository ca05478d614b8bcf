/** Shapes of the NeuraCRM HTTP API (see worker/routes). */

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

export interface AuthResult {
	user: User;
	organization: Organization;
	role: Role;
	permissions: string[];
	accessToken: string;
	/** Seconds until `accessToken` expires. */
	expiresIn: number;
}

export interface Me {
	user: User;
	organization: Organization;
	role: Role;
	permissions: string[];
}

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

export interface ListMeta {
	page: number;
	per_page: number;
	total: number;
}

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;
export type DealStatus = (typeof DEAL_STATUSES)[number];

/** A deal as the API and the board document hold it (times are epoch ms, closeDate YYYY-MM-DD). */
export interface Deal {
	id: string;
	title: string;
	amount: number;
	currency: string;
	pipelineId: string;
	stageId: string;
	/** Fractional-index key: order within the stage, compared as plain strings, ties by id. */
	position: string;
	ownerId: string | null;
	contactId: string | null;
	companyId: string | null;
	leadId: string | null;
	closeDate: string | null;
	status: DealStatus;
	lostReason: string | null;
	tags: string[];
	createdBy: string | null;
	createdAt: number;
	updatedBy: string | null;
	updatedAt: number;
}

/** Fields a board client may change (the room reverts anything else). */
export type DealPatch = Partial<
	Pick<
		Deal,
		| 'title'
		| 'amount'
		| 'currency'
		| 'stageId'
		| 'position'
		| 'ownerId'
		| 'closeDate'
		| 'status'
		| 'lostReason'
		| 'tags'
	>
>;

export interface Stage {
	id: string;
	name: string;
	/** Win probability in percent, 0–100. */
	probability: number;
}

export interface Pipeline {
	id: string;
	name: string;
	isDefault: boolean;
	stages: Stage[];
}

export interface KanbanBoard {
	pipeline: { id: string; name: string; isDefault: boolean };
	stages: (Stage & {
		deals: Deal[];
		totals: { count: number; amount: number; weightedAmount: number };
	})[];
}

export const ACTIVITY_TYPES = ['note', 'task', 'call', 'email', 'meeting'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export interface Activity {
	id: string;
	type: ActivityType;
	subject: string;
	body: string | null;
	dueAt: number | null;
	doneAt: number | null;
	dealId: string | null;
	contactId: string | null;
	companyId: string | null;
	leadId?: string | null;
	ownerId: string | null;
	createdBy: string | null;
	createdAt: number;
	updatedAt: number;
}

export interface ContactSummary {
	id: string;
	firstName: string;
	lastName: string;
	email: string | null;
	title?: string | null;
}

export interface CompanySummary {
	id: string;
	name: string;
	domain?: string | null;
}
