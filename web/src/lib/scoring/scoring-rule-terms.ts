/** The rule editor's words for the features and operators scoring rules test (worker/scoring/record-features.ts). */
import type { ScoringRule } from '$schema/scoring';

export type RuleFeatureKind = 'text' | 'number' | 'tags';

export const FEATURE_LABELS: Record<string, string> = {
	source: 'Source',
	seniority: 'Seniority',
	emailDomain: 'Email domain',
	phone: 'Phone',
	country: 'Country',
	industry: 'Industry',
	companySize: 'Company size',
	activities7: 'Activities in 7 days',
	activities30: 'Activities in 30 days',
	daysSinceActivity: 'Days since last activity',
	ageDays: 'Age in days',
	responseHours: 'Hours to first contact',
	tags: 'Tags',
	amount: 'Amount',
	currency: 'Currency',
	contact: 'Contact person',
	origin: 'Origin',
	owner: 'Owner'
};

export const OP_LABELS: Record<ScoringRule['op'], string> = {
	eq: 'is',
	neq: 'is not',
	gte: 'is at least',
	lte: 'is at most',
	present: 'is given',
	absent: 'is missing'
};

export const OPS_BY_KIND: Record<RuleFeatureKind, ScoringRule['op'][]> = {
	text: ['eq', 'neq', 'present', 'absent'],
	number: ['gte', 'lte', 'eq', 'neq', 'present', 'absent'],
	tags: ['eq', 'neq', 'present', 'absent']
};

const VALUE_HINTS: Record<string, string> = {
	source: 'referral',
	seniority: 'c_level, vp, director…',
	emailDomain: 'corporate or free',
	country: 'US, DE…',
	companySize: '51-200',
	tags: 'a tag',
	origin: 'lead or contact',
	currency: 'USD'
};

export const ruleValueHint = (feature: string) => VALUE_HINTS[feature] ?? '';
