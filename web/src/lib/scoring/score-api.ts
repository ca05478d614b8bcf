/**
 * The scoring API as the web app calls it: a record's score and why, the
 * manager's override, the board's scores, and the model page's data.
 */
import type { InferRequestType } from 'hono/client';
import type { ScoredType } from '$schema/scoring';
import { client, data, type DataOf } from '$lib/api/typed-api';

const scoring = client.api.scoring;

/** A record's score, its factors and the model that gave it. */
export type ScoreDetail = DataOf<ReturnType<(typeof scoring)[':type'][':id']['$get']>>;
/** The model page's view of one record type: the model in use, the candidates and the outcomes so far. */
export type ModelReport = DataOf<ReturnType<(typeof scoring)['models'][':type']['$get']>>;
export type RulesReport = DataOf<ReturnType<(typeof scoring)['rules'][':type']['$get']>>;
/** A rule as saved: its id is kept when given, made up otherwise. */
export type ScoringRuleInput = InferRequestType<(typeof scoring)['rules'][':type']['$put']>['json']['rules'][number];

const param = (type: ScoredType, id: string) => ({ type, id: encodeURIComponent(id) });

export const loadScore = (type: ScoredType, id: string) => data(scoring[':type'][':id'].$get({ param: param(type, id) }));

export async function overrideScore(type: ScoredType, id: string, score: number, reason: string) {
	const detail = await data(scoring[':type'][':id'].override.$put({ param: param(type, id), json: { score, reason } }));
	forgetModels();
	return detail;
}

export const clearOverride = (type: ScoredType, id: string) =>
	data(scoring[':type'][':id'].override.$delete({ param: param(type, id) }));

/** Every deal's score in a pipeline, for the board's cards. */
export const loadBoardScores = (pipelineId: string) =>
	data(scoring.scores.$get({ query: { type: 'deal', pipelineId } }));

export const loadModelReport = (type: ScoredType) => data(scoring.models[':type'].$get({ param: { type } }));

const RETRAIN_POLL_MS = 1_000;
const RETRAIN_WAIT_MS = 30_000;

/**
 * Retrains now (a queue job) and waits for its candidate to show up: the
 * report with it, promoted or rejected, or null when the job is still
 * running after a while (it finishes on its own).
 */
export async function retrainModel(type: ScoredType): Promise<ModelReport | null> {
	const before = (await loadModelReport(type)).candidates[0]?.version ?? 0;
	await data(scoring.models[':type'].retrain.$post({ param: { type } }));
	forgetModels();
	const deadline = Date.now() + RETRAIN_WAIT_MS;
	while (Date.now() < deadline) {
		await new Promise((resolve) => setTimeout(resolve, RETRAIN_POLL_MS));
		const report = await loadModelReport(type);
		if ((report.candidates[0]?.version ?? 0) > before) return report;
	}
	return null;
}

export const loadRules = (type: ScoredType) => data(scoring.rules[':type'].$get({ param: { type } }));

export async function saveRules(type: ScoredType, rules: ScoringRuleInput[]) {
	const saved = await data(scoring.rules[':type'].$put({ param: { type }, json: { rules } }));
	forgetModels();
	return saved;
}

/**
 * One line saying what scored a type's records ("Learned from 312 outcomes,
 * model v3" or "Rules: 23 of 40 outcomes needed to learn"), asked for once
 * per page view and type: every score popover shows it.
 */
const summaries = new Map<ScoredType, Promise<string>>();

export function loadModelSummary(type: ScoredType): Promise<string> {
	let pending = summaries.get(type);
	if (!pending) {
		pending = loadModelReport(type).then(modelSummary);
		pending.catch(() => summaries.delete(type));
		summaries.set(type, pending);
	}
	return pending;
}

function forgetModels() {
	summaries.clear();
}

export function modelSummary(report: ModelReport): string {
	const { active, outcomes } = report;
	if (report.mode === 'model' && active) return `Learned from ${active.samples} outcomes, model v${active.version}`;
	if (outcomes.samples < outcomes.minimum) return `Rules: ${outcomes.samples} of ${outcomes.minimum} outcomes needed to learn`;
	return `Rules: ${report.reason}`;
}
