/** The cockpit's one read: every number the dashboard shows, under the member's own access. */
import { client, data, type DataOf } from '$lib/api/typed-api';

export type Dashboard = DataOf<ReturnType<typeof client.api.dashboard.$get>>;

export const loadDashboard = () => data(client.api.dashboard.$get());

/** The currency the headline numbers use: the one with the most open pipeline, else the one won in, else USD. */
export function mainCurrency(d: Dashboard): string {
	const byValue = [...d.pipeline].sort((a, b) => b.value - a.value)[0];
	return byValue?.currency ?? d.won[0]?.currency ?? d.forecast[0]?.currency ?? 'USD';
}
