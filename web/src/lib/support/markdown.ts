/**
 * Knowledge-base Markdown in the browser: rendered with marked, then
 * sanitized with DOMPurify before anything reaches the DOM. The API already
 * sends sanitized HTML (worker/services/kb/render.ts); it goes through
 * `sanitizeHtml` again here, so neither side alone decides what runs.
 */
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

/**
 * Chromium reports a CSP violation for every inline event handler it meets
 * while parsing, even in the inert documents DOMPurify parses into (where
 * handlers never run). Dropping handler attributes from raw HTML before
 * DOMPurify sees it keeps the console free of those false alarms; DOMPurify
 * below is still what makes the result safe.
 */
const HANDLER_ATTRIBUTE = /[\s/]on[a-z]+\s*=\s*(?:"[^"]*"|'[^']*'|[^\s>]+)/gi;

const marked = new Marked({
	gfm: true,
	breaks: false,
	async: false,
	renderer: {
		html({ text }) {
			return text.replace(HANDLER_ATTRIBUTE, ' ');
		}
	}
});

const OPTIONS = {
	USE_PROFILES: { html: true },
	// Inline styles would also break the page's strict style-src CSP.
	FORBID_TAGS: ['style', 'form', 'button', 'textarea', 'select', 'option', 'iframe', 'svg', 'math'],
	FORBID_ATTR: ['style', 'srcset', 'formaction'],
	ADD_ATTR: ['target']
};

let hooked = false;
function addHooks() {
	if (hooked) return;
	hooked = true;
	DOMPurify.addHook('afterSanitizeAttributes', (node) => {
		// Images only from https or this site, as the server's allow-list has it.
		if (node.tagName === 'IMG' && !/^(?:https:\/\/|\/(?!\/))/i.test(node.getAttribute('src') ?? '')) {
			node.removeAttribute('src');
		}
		// Links out of the article open in a new tab that cannot reach back through window.opener.
		if (node.tagName === 'A') {
			const href = node.getAttribute('href') ?? '';
			if (/^https?:\/\//i.test(href)) {
				node.setAttribute('target', '_blank');
				node.setAttribute('rel', 'noopener noreferrer');
			} else {
				node.removeAttribute('target');
			}
		}
	});
}

/** HTML made safe to insert with {@html}. */
export function sanitizeHtml(html: string): string {
	addHooks();
	return DOMPurify.sanitize(html, OPTIONS) as string;
}

/** Markdown as safe HTML, for the editor's live preview. */
export function renderMarkdown(markdown: string): string {
	return sanitizeHtml(marked.parse(markdown) as string);
}
