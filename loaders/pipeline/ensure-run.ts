// Data loaders need a run to read. This makes one from the bundled clip the first time it
// is asked for, and only once even when Framework starts several loaders at the same time.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { makeDirs } from "../store/out-dir.ts";
import { analyzeSegment } from "./segment.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEMO_VIDEO = join(REPO_ROOT, "data/clips/tud-stadtmitte.mp4");
export const DEMO_RUN = join(REPO_ROOT, "data/runs/demo");
export const DEMO_CONFIG = join(REPO_ROOT, "data/camera.example.json");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Makes the run in `dir` from `video` with `config` (as `npm run demo` does: calibration, lines, zones) unless it exists. */
export async function ensureRun(dir = DEMO_RUN, video = DEMO_VIDEO, config: string | null = DEMO_CONFIG): Promise<string> {
  const out = resolve(REPO_ROOT, dir);
  const lock = join(out, ".ensure-lock");
  const analysed = () => existsSync(join(out, "run.json"));
  // run.json appears before the line/zone analytics are written: finished means no lock too
  const done = () => analysed() && !existsSync(lock);
  for (let waited = 0; !done(); ) {
    makeDirs(out);
    let owner = false;
    try {
      mkdirSync(lock); // atomic: exactly one caller wins
      owner = true;
    } catch {}
    if (owner) {
      try {
        if (!analysed()) await analyzeSegment({ video: resolve(REPO_ROOT, video), out, config: config ? resolve(REPO_ROOT, config) : undefined });
      } finally {
        rmSync(lock, { recursive: true, force: true });
      }
      break;
    }
    if (waited > 30 * 60_000) throw new Error(`${out}: gave up waiting for another process to finish the run (remove ${lock} if none is running)`);
    await sleep(250);
    waited += 250;
  }
  return out;
}
