/** A run's steps as the run log reads them. */
import type { client, DataOf } from '$lib/api/typed-api';

export type RunDetailData = DataOf<ReturnType<(typeof client.api.automation.runs)[':id']['$get']>>;
export type RunStep = RunDetailData['steps'][number];

/** Steps by their key (`<actionId>`, or `<branchId>.then|else` for a branch's decision). */
export function stepsByKey(steps: RunStep[]): Map<string, RunStep> {
	return new Map(steps.map((step) => [step.stepKey, step]));
}
