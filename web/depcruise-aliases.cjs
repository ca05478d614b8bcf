/** SvelteKit's import aliases (svelte.config.js), for dependency-cruiser's resolver. */
const path = require("node:path");

module.exports = {
  resolve: {
    alias: {
      $lib: path.join(__dirname, "src/lib"),
      $schema: path.join(__dirname, "../schema"),
      "$api-types": path.join(__dirname, ".api-types"),
    },
  },
};
