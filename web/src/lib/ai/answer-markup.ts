/**
 * An answer's text as blocks the panel renders itself (no HTML from the
 * model reaches the page): paragraphs, bullet and numbered lists, **bold**,
 * `code`, and `[[type:id]]` citation markers. A marker becomes a link only
 * when its record is among the answer's citations (records the user's own
 * tools returned); any other marker stays plain text.
 */
import { CITATION_MARKER } from '$schema/ai-api';
import type { AiCitation } from '$schema/ai';

export type Inline =
	| { kind: 'text'; text: string }
	| { kind: 'strong'; text: string }
	| { kind: 'code'; text: string }
	| { kind: 'cite'; citation: AiCitation; n: number };

export type Block =
	| { kind: 'p'; lines: Inline[][] }
	| { kind: 'ul' | 'ol'; items: Inline[][] }
	| { kind: 'h'; line: Inline[] };

const INLINE = new RegExp(`${CITATION_MARKER.source}|\\*\\*([^*\\n]+)\\*\\*|\`([^\`\\n]+)\``, 'g');
const BULLET = /^\s*[-*•]\s+/;
const NUMBERED = /^\s*\d{1,3}[.)]\s+/;
const HEADING = /^\s*#{1,6}\s+/;
/** A marker still arriving at the end of a streamed text, hidden until it is whole. */
const PARTIAL_MARKER = /\[(\[[a-z_]*(:[A-Za-z0-9_-]*\]?)?)?$/;

const key = (c: Pick<AiCitation, 'type' | 'id'>) => `${c.type}:${c.id}`;

/** Citations numbered in the order the text first cites them; those it never names follow. */
export function numberCitations(text: string, citations: AiCitation[]): (AiCitation & { n: number })[] {
	const known = new Map(citations.map((c) => [key(c), c]));
	const order: AiCitation[] = [];
	const seen = new Set<string>();
	for (const match of text.matchAll(new RegExp(CITATION_MARKER.source, 'g'))) {
		const c = known.get(`${match[1]}:${match[2]}`);
		if (c && !seen.has(key(c))) {
			seen.add(key(c));
			order.push(c);
		}
	}
	for (const c of citations) {
		if (!seen.has(key(c))) {
			seen.add(key(c));
			order.push(c);
		}
	}
	return order.map((c, i) => ({ ...c, n: i + 1 }));
}

function inline(line: string, numbered: Map<string, AiCitation & { n: number }>): Inline[] {
	const out: Inline[] = [];
	let last = 0;
	const push = (text: string) => {
		if (!text) return;
		const prev = out[out.length - 1];
		if (prev?.kind === 'text') prev.text += text;
		else out.push({ kind: 'text', text });
	};
	for (const m of line.matchAll(INLINE)) {
		push(line.slice(last, m.index));
		last = m.index + m[0].length;
		if (m[1] && m[2]) {
			const c = numbered.get(`${m[1]}:${m[2]}`);
			if (c) out.push({ kind: 'cite', citation: c, n: c.n });
			else push(m[0]);
		} else if (m[3]) out.push({ kind: 'strong', text: m[3] });
		else if (m[4]) out.push({ kind: 'code', text: m[4] });
	}
	push(line.slice(last));
	return out;
}

export function answerBlocks(text: string, citations: AiCitation[], { streaming = false } = {}): Block[] {
	const source = streaming ? text.replace(PARTIAL_MARKER, '') : text;
	const numbered = new Map(numberCitations(source, citations).map((c) => [key(c), c]));
	const blocks: Block[] = [];
	for (const raw of source.split('\n')) {
		const line = raw.trimEnd();
		const tail = blocks[blocks.length - 1];
		if (!line.trim()) {
			if (tail) blocks.push({ kind: 'p', lines: [] });
			continue;
		}
		const list = BULLET.test(line) ? 'ul' : NUMBERED.test(line) ? 'ol' : null;
		if (list) {
			const item = inline(line.replace(list === 'ul' ? BULLET : NUMBERED, ''), numbered);
			if (tail?.kind === list) tail.items.push(item);
			else blocks.push({ kind: list, items: [item] });
		} else if (HEADING.test(line)) {
			blocks.push({ kind: 'h', line: inline(line.replace(HEADING, ''), numbered) });
		} else if (tail?.kind === 'p') {
			tail.lines.push(inline(line, numbered));
		} else {
			blocks.push({ kind: 'p', lines: [inline(line, numbered)] });
		}
	}
	return blocks.filter((b) => b.kind !== 'p' || b.lines.length > 0);
}
