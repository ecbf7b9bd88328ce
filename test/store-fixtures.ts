// A store's week for the store tests: both cameras of the committed demo store (front.json and
// side.json) rendered by smw simulate for 7 days, two 30-second segments a day (11:00 and 17:00)
// at 2 frames/s, then analysed by smw analyze into the layout queue workers write
// (store=demo-store/camera=<id>/date=<YYYY-MM-DD>/<segment>/). 1,680 frames in all: a few minutes
// once, then kept in .cache/ (gitignored) for every test file and run; a change of the recipe
// below (KEY) makes it again. The site built from it is kept there too.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dirname, "..");
const SCENARIOS = join(ROOT, "data", "scenarios");
const CLIPS = join(ROOT, "data", "clips");
const KEY = "store-week-v1";
export const STORE_WEEK = process.env.SMW_STORE_WEEK ?? join(ROOT, ".cache", KEY);
export const STORE_ROOT = join(STORE_WEEK, "data");
export const STORE_DIR = join(STORE_ROOT, "store=demo-store");
export const FOOTAGE = join(STORE_WEEK, "footage");
export const CAMERAS = ["front", "side"] as const;

const CLOCK = { start: "2024-05-06", days: 7, open: [11, 17.5], fps: 2, segmentMinutes: 0.5, everyMinutes: 360 };

function run(args: string[]): void {
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "smw.js"), ...args], { stdio: ["ignore", 2, 2], timeout: 30 * 60_000 });
  if (r.status !== 0) throw new Error(`smw ${args.join(" ")} failed (${r.status ?? r.signal})`);
}

/** The week's dataset root (made on first use): store=demo-store/camera={front,side}/date=.../<segment>/. */
export function storeWeek(): string {
  const done = join(STORE_WEEK, "done");
  if (existsSync(done)) return STORE_ROOT;
  rmSync(STORE_WEEK, { recursive: true, force: true });
  mkdirSync(STORE_WEEK, { recursive: true });
  const started = Date.now();
  for (const camera of CAMERAS) {
    const s = JSON.parse(readFileSync(join(SCENARIOS, `${camera}.json`), "utf8"));
    s.camera = join(SCENARIOS, s.camera);
    s.background = join(CLIPS, s.background.split("/").pop());
    s.people = s.people.map((p: string) => join(CLIPS, p.split("/").pop()!));
    s.clock = CLOCK;
    const file = join(STORE_WEEK, `${camera}.json`);
    writeFileSync(file, JSON.stringify(s, null, 2));
    run(["simulate", file, "--out", FOOTAGE, "--quiet"]);
    run(["analyze", join(FOOTAGE, camera), "--out", STORE_DIR, "--config", join(SCENARIOS, `${camera}.camera.json`), "--quiet"]);
  }
  copyFileSync(join(SCENARIOS, "demo-store-floor.png"), join(STORE_DIR, "demo-store-floor.png"));
  writeFileSync(done, `made in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
  return STORE_ROOT;
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const s = statSync(path);
  if (!s.isDirectory()) return s.mtimeMs;
  return readdirSync(path).reduce((m, e) => (e === ".observablehq" ? m : Math.max(m, newest(join(path, e)))), s.mtimeMs);
}

/** The workbench built from the week (made when missing or older than the site's sources), and its folder. */
export function storeSite(extraEnv: Record<string, string> = {}): string {
  const root = storeWeek();
  const out = join(STORE_WEEK, "site");
  const sources = ["src", "observablehq.config.ts", "loaders/analytics", "loaders/config"].map((p) => join(ROOT, p));
  if (existsSync(join(out, "index.html")) && sources.every((p) => newest(p) < statSync(join(out, "index.html")).mtimeMs)) return out;
  rmSync(join(ROOT, "src/.observablehq/cache"), { recursive: true, force: true });
  const r = spawnSync(process.execPath, [join(ROOT, "node_modules/@observablehq/framework/dist/bin/observable.js"), "build"], {
    cwd: ROOT, stdio: ["ignore", 2, 2], timeout: 20 * 60_000,
    env: { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", SMW_DATA: join(root, "store=demo-store"), SMW_SITE_OUT: out, SMW_COMPARE_A: "2024-05-06..2024-05-09", SMW_COMPARE_B: "2024-05-10..2024-05-12", ...extraEnv },
  });
  // the next build of dist/ must not reuse this dataset's loader outputs
  rmSync(join(ROOT, "src/.observablehq/cache"), { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`observable build of the store site failed (${r.status ?? r.signal})`);
  return out;
}
