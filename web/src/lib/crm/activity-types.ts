/** Shapes of the activity API (see worker/crm/activity-routes.ts), as the typed client answers them. */
import type { client, DataOf } from '$lib/api/typed-api';

export const ACTIVITY_TYPES = ['note', 'task', 'call', 'email', 'meeting', 'payment'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

export type Activity = DataOf<ReturnType<(typeof client.api.activities)[':id']['$get']>>;

/** A list row: the activity with the names of the records it is linked to. */
export type ActivityListRow = DataOf<ReturnType<typeof client.api.activities.$get>>[number];
