/**
 * The numbers that decide when scoring learns and how, in one place.
 */

/** Below this many closed outcomes (or fewer of either class), the admin's rules score instead of a model. */
export const MIN_OUTCOMES = 40;
export const MIN_PER_CLASS = 10;

/** The newest share of outcomes (by outcome time) held out to judge a model on data it has not seen. */
export const HOLDOUT_SHARE = 0.2;

/** Logistic regression: full-batch gradient descent from zero weights, a fixed number of steps, so equal data gives equal weights. */
export const LR_ITERATIONS = 300;
export const LR_STEP = 0.8;
export const LR_L2 = 0.01;

/** A category seen fewer times than this in training joins "other": a weight learned from a handful of records is noise. */
export const MIN_CATEGORY_COUNT = 8;
/** At most this many tags become features (the most frequent ones). */
export const MAX_TAG_FEATURES = 12;

export const CALIBRATION_BUCKETS = 5;

/** The factors a score answers with: the strongest few each way; the rest fold into "Other factors". */
export const TOP_FACTORS_EACH_WAY = 3;

/** Retraining after new outcomes waits this long after the last training (debounce); the button and the nightly run do not wait. */
export const RETRAIN_DEBOUNCE_MS = 10 * 60_000;

/** Changes are rescored this long after the first write of a burst (a queue job's delay). */
export const REFRESH_DELAY_SECONDS = 3;

/** Rows read and written per D1 round trip while rescoring. */
export const SCORE_PAGE = 2_000;
export const SCORE_WRITE_CHUNK = 400;

/** `lead_scored` events published per rescoring run at most; see score-events.ts. */
export const MAX_SCORE_EVENTS_PER_RUN = 50;

/** A lead whose score jumps by at least this many points to at least `HOT_LEAD_SCORE` raises a `hot_lead` insight. */
export const HOT_LEAD_JUMP = 20;
export const HOT_LEAD_SCORE = 70;

/** Rules start every record from this many points. */
export const RULES_BASE_POINTS = 50;
