// The browser tests and `npm run bench:store` need dist/. Builds it (as `npm run build` does: loader cache cleared
// first) when it is missing or older than any source of the site, so a stale build is never measured.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { DIST, REPO_ROOT } from "./serve-dist.ts";

function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) {
    if (entry === ".observablehq") continue;
    newest = Math.max(newest, newestMtime(join(path, entry)));
  }
  return newest;
}

/** Sources the site is built from: pages, components, loaders and what they read. */
const SOURCES = [
  "src",
  "observablehq.config.ts",
  "data/sales.example.csv",
  "data/camera.example.json",
  "data/scenarios/demo-store-floor.png",
  "loaders/analytics",
  "loaders/config",
  "loaders/geometry",
  process.env.SMW_RUN ?? "data/runs/demo",
];

/** What dist/ was built from: its store bundle's source label (data/store.bin.ts), or null. */
export function distSource(dist = DIST): string | null {
  const dir = join(dist, "_file", "data");
  const file = existsSync(dir) ? readdirSync(dir).find((f) => /^store\.[0-9a-f]+\.bin$/.test(f)) : undefined;
  if (!file) return null;
  const bytes = readFileSync(join(dir, file));
  return JSON.parse(bytes.subarray(8, 8 + bytes.readUInt32LE(4)).toString()).source?.label ?? null;
}

export function distIsStale(): boolean {
  const index = join(DIST, "index.html");
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  // npm run demo:week builds dist/ from the store's week: the tests want the bundled run's site
  if (!process.env.SMW_DATA && distSource() !== (process.env.SMW_RUN ?? "data/runs/demo")) return true;
  return SOURCES.some((p) => newestMtime(join(REPO_ROOT, p)) > built);
}

/** Builds dist/ when needed. Returns an error message, or undefined when dist/ is ready. */
export function ensureBuilt(): string | undefined {
  if (process.env.SMW_SKIP_BUILD !== "1" && distIsStale()) {
    console.error("dist/ is missing or older than the site's sources: building (runs the analysis first if needed)");
    rmSync(join(REPO_ROOT, "src/.observablehq/cache"), { recursive: true, force: true });
    const started = Date.now();
    const build = spawnSync("npx", ["observable", "build"], {
      cwd: REPO_ROOT,
      stdio: ["ignore", 2, 2], // keep stdout for the test runner's TAP stream
      timeout: 20 * 60_000,
      env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true" },
    });
    if (build.status !== 0) return `observable build failed (status ${build.status}, signal ${build.signal}, ${build.error ?? "see its output above"})`;
    console.error(`built dist/ in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
  if (!existsSync(join(DIST, "index.html"))) return "observable build wrote no dist/index.html";
  return undefined;
}
