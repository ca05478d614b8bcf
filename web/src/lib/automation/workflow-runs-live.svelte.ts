/**
 * Runs change while you watch: the organization room sends
 * `workflow_run_updated` at every status change of a run, and the run log
 * folds it in (or reloads a run's steps) without polling.
 */
import type { WorkflowRunSummary } from '$schema/room-events';
import { liveEvents } from '$lib/board/live-events.svelte';

/** Calls `listener` for every run update; returns the unsubscribe function. */
export function onRunUpdated(listener: (run: WorkflowRunSummary) => void): () => void {
	return liveEvents.onSignal('workflow_run_updated', (event) => listener(event.data.run));
}
