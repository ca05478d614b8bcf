/**
 * The layout's import rules, checked by `npm run check:deps` (part of `npm test`).
 * Dependencies run one way: platform ← features ← app, with rooms and schema
 * as shared ground. The web app has its own rules (web/.dependency-cruiser.cjs). Type-only imports count: a cycle through types is a cycle.
 */
const FEATURE = "^worker/(?!platform/)([^/]+)/";

module.exports = {
  forbidden: [
    {
      name: "no-cycles",
      severity: "error",
      comment: "No import cycles, type-only ones included.",
      from: {},
      to: { circular: true },
    },
    {
      name: "platform-imports-no-feature",
      severity: "error",
      comment: "worker/platform/ is what every feature uses; it cannot depend on one.",
      from: { path: "^worker/platform/" },
      to: { path: ["^worker/(?!platform/)[^/]+/", "^worker/(app|index)\\.ts$", "^rooms/"] },
    },
    {
      name: "features-meet-through-index",
      severity: "error",
      comment: "A feature reaches another feature only through that feature's index.ts.",
      from: { path: FEATURE },
      to: { path: "^worker/(?!platform/)[^/]+/", pathNot: ["^worker/$1/", "^worker/[^/]+/index\\.ts$"] },
    },
    {
      name: "features-do-not-import-the-app",
      severity: "error",
      from: { path: "^worker/[^/]+/" },
      to: { path: "^worker/(app|index)\\.ts$" },
    },
    {
      name: "app-mounts-features",
      severity: "error",
      comment: "app.ts and index.ts take each feature from its index.ts.",
      from: { path: "^worker/(app|index)\\.ts$" },
      to: { path: FEATURE, pathNot: "^worker/[^/]+/index\\.ts$" },
    },
    {
      name: "features-reach-rooms-through-platform",
      severity: "error",
      comment: "Features talk to rooms over RPC (worker/platform/room-events.ts) and share their contracts in schema/; only the app mounts rooms/.",
      from: { path: "^worker/[^/]+/" },
      to: { path: "^rooms/" },
    },
    {
      name: "rooms-use-platform-and-contracts",
      severity: "error",
      comment: "Rooms import worker/platform/ and schema/, never a feature.",
      from: { path: "^rooms/" },
      to: { path: "^worker/(?!platform/)" },
    },
    {
      name: "schema-is-a-leaf",
      severity: "error",
      comment: "schema/ holds the contracts; it imports no code of the app.",
      from: { path: "^schema/" },
      to: { path: "^(worker|rooms|web)/" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: ["^web/\\.svelte-kit/", "^web/build/", "node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".mjs", ".svelte"] },
  },
};
