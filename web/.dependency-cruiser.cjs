/**
 * The web app's import rules (run from web/ by `npm run check:deps`, so
 * SvelteKit's `$lib` and `$schema` aliases resolve). Type-only imports count.
 */
const server = require("../.dependency-cruiser.cjs");

module.exports = {
  forbidden: [
    server.forbidden.find((rule) => rule.name === "no-cycles"),
    {
      name: "web-uses-contracts-only",
      severity: "error",
      comment: "The app shares schema/ with the Worker and takes the API's types from .api-types (emitted by `npm run check`); it imports no server code.",
      from: { path: "^src/" },
      to: { path: "^\\.\\./(worker|rooms)/" },
    },
    {
      name: "api-types-stay-types",
      severity: "error",
      comment: "The API's emitted types are only ever imported as types.",
      from: { path: "^src/" },
      to: { path: "^\\.api-types/", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "only-the-client-reads-api-types",
      severity: "error",
      comment: "Response types come from the typed client (src/lib/api/typed-api.ts), not from the server's files.",
      from: { path: "^src/", pathNot: "^src/lib/api/" },
      to: { path: "^\\.api-types/" },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^\\.api-types/", "^\\.\\./schema/"] },
    exclude: { path: ["^\\.svelte-kit/", "^build/", "node_modules"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    webpackConfig: { fileName: "depcruise-aliases.cjs" },
    enhancedResolveOptions: { extensions: [".ts", ".js", ".svelte"] },
  },
};
