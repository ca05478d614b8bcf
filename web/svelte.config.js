import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * SvelteKit's route announcer (the aria-live region it adds after client-side
 * navigation) carries a fixed inline style attribute. Rather than allowing every
 * inline style, allow exactly that one by hash, read from the installed kit so
 * the hash follows kit upgrades.
 */
function announcerStyleHashes() {
	const require = createRequire(import.meta.url);
	const kitDir = require.resolve('@sveltejs/kit/package.json').replace(/package\.json$/, '');
	const source = readFileSync(`${kitDir}src/core/sync/write_root.js`, 'utf8');
	const style = source.match(/id="svelte-announcer"[^>]*?style="([^"]+)"/)?.[1];
	if (!style) return [];
	return [`sha256-${createHash('sha256').update(style).digest('base64')}`];
}

const ANNOUNCER_STYLE_HASHES = announcerStyleHashes();

/** @type {import('@sveltejs/kit').Config} */
const config = {
	preprocess: vitePreprocess(),
	compilerOptions: {
		runes: true
	},
	kit: {
		// The contracts the Worker and the app share (board document, room events,
		// envelope), and the API's types as `npm run check` emits them for `hc`.
		alias: {
			$schema: '../schema',
			'$api-types': '.api-types'
		},
		// A single-page app: the Worker serves build/index.html for every
		// non-asset path (wrangler.toml `not_found_handling`).
		adapter: adapter({
			pages: 'build',
			assets: 'build',
			fallback: 'index.html',
			precompress: false,
			strict: true
		}),
		// The boot script SvelteKit inlines is allowed by its hash, so the app runs
		// under a CSP without 'unsafe-inline'. Components never use inline style
		// attributes (bar kit's announcer, allowed by hash), which keeps style-src
		// strict as well. The Worker adds the
		// directives a <meta> tag cannot carry (frame-ancestors).
		csp: {
			mode: 'hash',
			directives: {
				'default-src': ['self'],
				'script-src': ['self'],
				'style-src': [
					'self',
					...(ANNOUNCER_STYLE_HASHES.length ? ['unsafe-hashes', ...ANNOUNCER_STYLE_HASHES] : [])
				],
				'img-src': ['self', 'data:'],
				'font-src': ['self'],
				// The Twilio Voice SDK signals over wss://voice-js.<edge>.twilio.com, reports call
				// quality to eventgw.twilio.com and plays its ringtones from sdk.twilio.com;
				// call recordings play from blob: URLs (the recording route needs the bearer token).
				'connect-src': ['self', 'https://*.twilio.com', 'wss://*.twilio.com'],
				'media-src': ['self', 'blob:', 'https://sdk.twilio.com'],
				'manifest-src': ['self'],
				'form-action': ['self'],
				'object-src': ['none'],
				'base-uri': ['self']
			}
		}
	}
};

export default config;
