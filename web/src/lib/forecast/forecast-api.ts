/**
 * The forecast API as the forecast page (and the dashboard) call it: the
 * per-period forecast, the deals behind a number, accuracy against snapshots,
 * learned stage probabilities and targets.
 */
import { client, data, type DataOf } from '$lib/api/typed-api';

export type Forecast = DataOf<ReturnType<typeof client.api.forecast.$get>>;
export type ForecastRow = Forecast['rows'][number];
export type StageProbability = Forecast['stages'][number];
export type ForecastDeal = DataOf<ReturnType<typeof client.api.forecast.deals.$get>>[number];
export type Accuracy = DataOf<ReturnType<typeof client.api.forecast.accuracy.$get>>;
export type Target = DataOf<ReturnType<typeof client.api.forecast.targets.$get>>[number];
export type Interval = Forecast['interval'];
export type Measure = 'weighted' | 'commit' | 'bestCase' | 'closedWon' | 'slipped';

export interface ForecastQuery {
	pipelineId: string;
	interval: Interval;
	from?: string;
	to?: string;
}

export const loadForecast = (q: ForecastQuery) => data(client.api.forecast.$get({ query: { ...q, groupBy: 'owner' } }));

export const loadAccuracy = (q: ForecastQuery) => data(client.api.forecast.accuracy.$get({ query: q }));

export interface DrillDown {
	pipelineId: string;
	period: string;
	measure: Measure;
	currency: string;
	/** An owner's id, "unassigned", or absent for everyone. */
	ownerId?: string;
}

export const loadDealsBehind = (q: DrillDown) => data(client.api.forecast.deals.$get({ query: q }));

export const saveTarget = (t: { ownerId: string; period: string; currency: string; amount: number | null }) =>
	data(client.api.forecast.targets.$put({ json: { targets: [t] } }));
