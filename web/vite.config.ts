import { sveltekit } from '@sveltejs/kit/vite';
import tailwindcss from '@tailwindcss/vite';
import { defineConfig } from 'vite';

// `npm run dev:web` serves the app with hot reload and forwards the API and
// the room WebSockets to the Worker started by `npm start`.
const WORKER_ORIGIN = process.env.WORKER_ORIGIN ?? 'http://127.0.0.1:8787';

export default defineConfig({
	plugins: [tailwindcss(), sveltekit()],
	server: {
		port: 5173,
		strictPort: true,
		// schema/ (the shared contracts) sits beside web/.
		fs: { allow: ['../schema'] },
		proxy: {
			'/api': { target: WORKER_ORIGIN, changeOrigin: true },
			'/parties': { target: WORKER_ORIGIN, changeOrigin: true, ws: true }
		}
	},
	build: {
		target: 'es2022',
		reportCompressedSize: false,
		// The slow step is SvelteKit writing the fallback page; the timing report is noise.
		rolldownOptions: { checks: { bundlerTimings: false } }
	}
});
