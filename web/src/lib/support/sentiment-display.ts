/** How customer sentiment reads in the support desk: labels, colours and trend marks, in one place. */
export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type SentimentTrend = 'improving' | 'steady' | 'worsening';

export interface SentimentLike {
	label: SentimentLabel;
	score: number;
	model: string;
}

export const SENTIMENT_LABELS: Record<SentimentLabel, string> = {
	negative: 'Negative',
	neutral: 'Neutral',
	positive: 'Positive'
};

export const SENTIMENT_DOTS: Record<SentimentLabel, string> = {
	negative: 'bg-rose-500',
	neutral: 'bg-slate-400',
	positive: 'bg-emerald-500'
};

export const SENTIMENT_TEXT: Record<SentimentLabel, string> = {
	negative: 'text-rose-700',
	neutral: 'text-slate-600',
	positive: 'text-emerald-700'
};

export const TREND_MARKS: Record<SentimentTrend, { arrow: string; label: string; style: string }> = {
	improving: { arrow: '↗', label: 'improving', style: 'text-emerald-700' },
	steady: { arrow: '→', label: 'steady', style: 'text-slate-500' },
	worsening: { arrow: '↘', label: 'worsening', style: 'text-rose-700' }
};

/** "vader" reads as the built-in model; remote ones keep their names. */
export function modelName(model: string): string {
	if (model === 'vader') return 'built-in model (VADER)';
	if (model.startsWith('llm:')) return `chat model ${model.slice(4)}`;
	if (model.startsWith('@cf/')) return `Workers AI ${model.split('/').pop()}`;
	return model;
}

export const formatScore = (score: number) => (score > 0 ? `+${score.toFixed(2)}` : score.toFixed(2));
