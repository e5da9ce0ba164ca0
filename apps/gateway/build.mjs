// Compiles the gateway (the public API server and its flusher thread) to JavaScript, so it runs
// on plain `node` with no TypeScript loader and no node_modules: one self-contained file each.
//   node build.mjs   ->  dist/main.js, dist/flusher.js
import { build } from "esbuild";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
await build({
  entryPoints: [path.join(here, "src/main.ts"), path.join(here, "src/flusher.ts")],
  outdir: path.join(here, "dist"),
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  sourcemap: true,
  logLevel: "warning",
  // pg's optional native binding is never installed; CommonJS dependencies get a require().
  external: ["pg-native"],
  banner: { js: "import { createRequire as __keywayRequire } from 'node:module'; const require = __keywayRequire(import.meta.url);" },
});
console.log(`built ${path.relative(process.cwd(), path.join(here, "dist"))}/main.js`);
