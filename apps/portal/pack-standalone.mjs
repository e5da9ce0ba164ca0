// After `next build`: completes the standalone folder (<distDir>/standalone) Next leaves without
// the files it does not trace: our server (server.mjs), the static assets and public/. That folder
// then runs on plain node with nothing else installed (the image ships only it).
import { cpSync, existsSync } from "node:fs";
import path from "node:path";

const here = path.dirname(new URL(import.meta.url).pathname);
const distDir = process.env.KEYWAY_NEXT_DIST_DIR || ".next";
// outputFileTracingRoot is the repository root, so the app sits at its repository path inside.
const target = path.join(here, distDir, "standalone", "apps", "portal");
if (!existsSync(target)) throw new Error(`no standalone build at ${target}: run next build first`);
cpSync(path.join(here, "server.mjs"), path.join(target, "server.mjs"));
cpSync(path.join(here, distDir, "static"), path.join(target, distDir, "static"), { recursive: true });
if (existsSync(path.join(here, "public"))) cpSync(path.join(here, "public"), path.join(target, "public"), { recursive: true });
