/** The support analytics answer (worker/support/support-analytics-routes.ts). Durations in minutes. */
import type { client, DataOf } from '$lib/api/typed-api';

export type Analytics = DataOf<ReturnType<typeof client.api.support.analytics.$get>>;
