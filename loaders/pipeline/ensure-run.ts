// Data loaders need a run to read. This makes one from the bundled clip the first time it
// is asked for, and only once even when Framework starts several loaders at the same time.
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { analyzeVideo } from "./analyze.ts";

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEMO_VIDEO = join(REPO_ROOT, "data/clips/tud-stadtmitte.mp4");
export const DEMO_RUN = join(REPO_ROOT, "data/runs/demo");

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function ensureRun(dir = DEMO_RUN, video = DEMO_VIDEO): Promise<string> {
  const out = resolve(REPO_ROOT, dir);
  const done = () => existsSync(join(out, "run.json"));
  const lock = join(out, ".ensure-lock");
  for (let waited = 0; !done(); ) {
    mkdirSync(out, { recursive: true });
    let owner = false;
    try {
      mkdirSync(lock); // atomic: exactly one caller wins
      owner = true;
    } catch {}
    if (owner) {
      try {
        if (!done()) await analyzeVideo({ video: resolve(REPO_ROOT, video), out });
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
