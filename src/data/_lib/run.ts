// Shared by the data loaders in src/data: find (or make) the analysis run, expose its Parquet
// files as DuckDB views, and write the loader's one output to stdout.
//
// Which run: $SMW_RUN, else data/runs/demo, relative to the repository root (Framework starts
// loaders with the cwd of whoever ran `observable`, so the cwd is not trusted). Loaders under
// src/data/[run]/ serve run "a" ($SMW_RUN) and run "b" ($SMW_RUN_B, for Compare; optional).
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { RunSummary } from "../../../loaders/run/contract.ts";
import { readRun } from "../../../loaders/run/read.ts";
import { openDuckDb, sql, type DuckSession } from "../../../loaders/store/duckdb.ts";

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");

/** A run's run.json (the run contract, loaders/run) and a DuckDB session with its tables as views. */
export interface Run extends DuckSession {
  dir: string;
  info: RunSummary;
}

/** Stdout is the loader's output: anything the analysis prints goes to stderr meanwhile. */
async function withStdoutOnStderr<T>(fn: () => Promise<T>): Promise<T> {
  const write = process.stdout.write;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  try {
    return await fn();
  } finally {
    process.stdout.write = write;
  }
}

export type Which = "a" | "b";

/** The run a parameterized loader (src/data/[run]/...) was asked for: `--run=a` or `--run=b`. */
export function whichRun(argv = process.argv): Which {
  const arg = argv.find((a) => a.startsWith("--run="));
  const value = arg ? arg.slice("--run=".length) : "a";
  if (value !== "a" && value !== "b") throw new Error(`unknown run "${value}": use data/a/... or data/b/...`);
  return value;
}

/** True when a second run is configured ($SMW_RUN_B) for Compare. */
export function hasRunB(): boolean {
  return !!process.env.SMW_RUN_B;
}

export function runDir(which: Which = "a"): string {
  if (which === "b") {
    if (!process.env.SMW_RUN_B) throw new Error("SMW_RUN_B is not set");
    return resolve(REPO_ROOT, process.env.SMW_RUN_B);
  }
  return resolve(REPO_ROOT, process.env.SMW_RUN ?? "data/runs/demo");
}

/**
 * The run directory, analysing the bundled clip first when it holds no run yet. The pipeline
 * (ffmpeg, ONNX runtime) is imported only then: a finished run needs none of it, and each
 * loader is its own process.
 */
export async function ensureRunDir(which: Which = "a"): Promise<string> {
  const dir = runDir(which);
  if (existsSync(join(dir, "run.json"))) return dir;
  // Only the demo run is made on demand; any other run directory must hold a finished run.
  if (dir !== resolve(REPO_ROOT, "data/runs/demo")) {
    throw new Error(`${dir} holds no run.json: analyse the video first (smw analyze VIDEO --out ${dir})`);
  }
  const { ensureRun } = await import("../../../loaders/pipeline/ensure-run.ts");
  return withStdoutOnStderr(() => ensureRun(dir));
}

/** The run, with `detections`, `tracks` and `motion` (and `counts`, when the run has one) as views. */
export async function openRun(which: Which = "a"): Promise<Run> {
  return openRunDir(await ensureRunDir(which));
}

/** Like openRun, for a run directory given (a segment of a dataset). */
export async function openRunDir(dir: string): Promise<Run> {
  const info = readRun(dir);
  const session = await openDuckDb();
  for (const name of ["detections", "tracks", "motion", "counts"]) {
    const file = join(dir, `${name}.parquet`);
    if (name === "counts" && !existsSync(file)) continue; // runs made before people counts
    await session.conn.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${sql.string(file)})`);
  }
  return { ...session, dir, info };
}

/** Writes the loader's output and waits until it is flushed. */
export function emit(data: string | Uint8Array): Promise<void> {
  return new Promise((done, fail) => process.stdout.write(data, (error) => (error ? fail(error) : done())));
}

export function emitJson(value: unknown): Promise<void> {
  return emit(JSON.stringify(value));
}
