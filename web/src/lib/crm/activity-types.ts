/** Shapes of the activity API (see worker/crm). */

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
