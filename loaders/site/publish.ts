// `smw publish --data <root> [--store <id>] [--from <date>] [--to <date>] --out <site>`: the
// workbench for a store and period of a dataset (or `--runs <dirs>`: one run, or two to compare) as
// a self-contained static site: build into a temporary folder, then copy to `out`. The result
// needs no server code and no network: open it from any static host (or `npx http-server out`).
//
// Loader outputs are cached by Framework per source file, not per run, so the cache is cleared
// first: a site never shows another run's numbers.
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chooseRuns } from "../analytics/dataset.ts";
import type { SnapshotMode } from "../analytics/snapshots.ts";
import { UserError } from "../errors.ts";
import { RUN_JSON } from "../run/contract.ts";
import { ensureWritableDir, makeDirs } from "../store/out-dir.ts";

const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "../../..");

export interface PublishOptions {
  /** Run directories (made by `smw analyze`): one run, or two that Compare sets against each other. */
  runs?: string[];
  /** A dataset (store=<id>/camera=<id>/date=<YYYY-MM-DD>/<segment>/, or a camera's folder), instead of runs. */
  data?: string[];
  /** Only this store of the dataset, and only these local dates (YYYY-MM-DD, inclusive). */
  store?: string;
  from?: string;
  to?: string;
  /** Compare's two periods as dates "2024-05-06..2024-05-09" (default: the first half of the dates against the second). */
  compareDates?: { a: string; b: string };
  /** Folder for the site; replaced if it exists. */
  out: string;
  /** Camera config (JSON) for the runs; default: each run's camera.json, else none. */
  camera?: string;
  /** Point-of-sale CSV for the Sales page. */
  sales?: string;
  /** Windows for Compare when only one run is given, as [start, end] seconds from the video start. */
  compare?: { a: [number, number]; b: [number, number] };
  /**
   * Pictures of people the site may carry: `none` (default: no event snapshots, no audit frames),
   * `blurred` (snapshots and audit frames with people's heads blurred) or `raw` (as recorded).
   */
  snapshots?: SnapshotMode;
  /** Where Framework's output goes (default: inherit the parent's stderr); stdout stays clean. */
  log?: (line: string) => void;
}

export interface PublishResult {
  out: string;
  pages: string[];
  files: number;
  seconds: number;
}

/** Bad input (missing run, unusable out folder): a UserError, so the CLI prints one line and exits 2. */
export class PublishError extends UserError {}

export async function publishSite(options: PublishOptions): Promise<PublishResult> {
  const started = Date.now();
  const runs = options.runs ?? [];
  if (!options.data?.length && (runs.length < 1 || runs.length > 2)) throw new PublishError(`publish takes a dataset (--data), one run, or two to compare (got ${runs.length} runs)`);
  if (options.data?.length && runs.length) throw new PublishError("publish takes --data or --runs, not both");
  const dirs = (options.data ?? runs).map((r) => resolve(r));
  if (!options.data?.length) {
    for (const dir of dirs) {
      if (!existsSync(join(dir, RUN_JSON))) throw new PublishError(`${dir}: no run.json here; analyse the video first (smw analyze VIDEO --out ${dir})`);
    }
  } else {
    // the store and dates exist: one line now, not after minutes of building
    const { cameras } = chooseRuns({ paths: dirs, store: options.store, from: options.from, to: options.to });
    options.log?.(`publishing ${cameras.map((c) => `${c.store ? `${c.store}/` : ""}${c.camera} (${c.dirs.length} segments)`).join(", ")}`);
  }
  const out = resolve(options.out);
  if (out === REPO_ROOT || out === resolve(REPO_ROOT, "src") || dirs.includes(out)) throw new PublishError(`${out}: refusing to replace this folder with the site`);
  ensureWritableDir(out); // before minutes of building, not after

  const env: NodeJS.ProcessEnv = { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", SMW_SNAPSHOTS: options.snapshots ?? "none" };
  for (const k of ["SMW_RUN", "SMW_RUN_B", "SMW_DATA", "SMW_STORE", "SMW_FROM", "SMW_TO", "SMW_COMPARE_A", "SMW_COMPARE_B"]) delete env[k];
  if (options.data?.length) {
    env.SMW_DATA = dirs.join(",");
    if (options.store) env.SMW_STORE = options.store;
    if (options.from) env.SMW_FROM = options.from;
    if (options.to) env.SMW_TO = options.to;
  } else if (dirs.length === 2) {
    // two runs: one dataset, Compare sets each run's footage against the other's
    env.SMW_DATA = dirs.join(",");
    env.SMW_COMPARE_A = `@${dirs[0]}`;
    env.SMW_COMPARE_B = `@${dirs[1]}`;
  }
  // one run: the site is its; two: the Count audit page shows the first (snapshots come from both)
  if (!options.data?.length) env.SMW_RUN = dirs[0];
  if (options.camera) env.SMW_CAMERA = resolve(options.camera);
  if (options.sales) env.SMW_SALES = resolve(options.sales);
  if (options.compare) {
    env.SMW_COMPARE_A = options.compare.a.join("-");
    env.SMW_COMPARE_B = options.compare.b.join("-");
  }
  if (options.compareDates) {
    env.SMW_COMPARE_A = options.compareDates.a;
    env.SMW_COMPARE_B = options.compareDates.b;
  }

  const temp = mkdtempSync(join(tmpdir(), "smw-publish-"));
  try {
    rmSync(join(REPO_ROOT, "src/.observablehq/cache"), { recursive: true, force: true });
    const bin = join(REPO_ROOT, "node_modules/@observablehq/framework/dist/bin/observable.js");
    await new Promise<void>((done, fail) => {
      const child = spawn(process.execPath, [bin, "build"], { cwd: REPO_ROOT, env: { ...env, SMW_SITE_OUT: temp }, stdio: ["ignore", "pipe", "pipe"] });
      const relay = (chunk: Buffer) => {
        for (const line of chunk.toString().split("\n")) if (line.trim()) (options.log ?? ((l: string) => process.stderr.write(l + "\n")))(line);
      };
      child.stdout.on("data", relay);
      child.stderr.on("data", relay);
      child.on("error", fail);
      child.on("close", (code, signal) => (code === 0 ? done() : fail(new Error(`observable build failed (exit ${code ?? signal})`))));
    });
    if (!existsSync(join(temp, "index.html"))) throw new Error("observable build wrote no index.html");
    rmSync(out, { recursive: true, force: true });
    makeDirs(out);
    cpSync(temp, out, { recursive: true });
  } finally {
    rmSync(temp, { recursive: true, force: true });
    // the next dev build must not reuse this run's loader outputs either
    rmSync(join(REPO_ROOT, "src/.observablehq/cache"), { recursive: true, force: true });
  }
  const pages: string[] = [];
  let files = 0;
  const walk = (dir: string, rel = "") => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name), `${rel}${e.name}/`);
      else {
        files++;
        if (e.name.endsWith(".html") && !rel.startsWith("_") && e.name !== "404.html") pages.push(`/${rel}${e.name.replace(/(index)?\.html$/, "")}`);
      }
    }
  };
  walk(out);
  return { out, pages: pages.sort(), files, seconds: (Date.now() - started) / 1000 };
}
