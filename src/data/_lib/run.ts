// Shared by the data loaders in src/data: find (or make) the analysis run, expose its Parquet
// files as DuckDB views, and write the loader's one output to stdout.
//
// Which run: $SMW_RUN, else data/runs/demo, relative to the repository root (Framework starts
// loaders with the cwd of whoever ran `observable`, so the cwd is not trusted). Loaders under
// src/data/[run]/ serve run "a" ($SMW_RUN) and run "b" ($SMW_RUN_B, for Compare; optional).
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";

export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), "../../../..");

/** The parts of run.json the pages read (see the run contract in the pipeline). */
export interface RunInfo {
  version: number;
  video: { path: string; width: number; height: number; fps: number; frameCount: number; duration: number };
  model: { name: string; inputSize: [number, number]; scoreThreshold: number };
  options: { stride: number; tracker: string };
  timings: { decode: number; detect: number; track: number; motion: number; total: number };
  framesAnalysed: number;
  analysisSize: [number, number];
  motion: { width: number; height: number; frames: number };
}

export interface Run {
  dir: string;
  info: RunInfo;
  /** Run a query over the views `detections`, `tracks` and `motion`; columns as JSON arrays. */
  columns(sql: string): Promise<Record<string, unknown[]>>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** The connection itself, for analytics functions that take one. */
  con: DuckDBConnection;
  close(): void;
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

export async function openRun(which: Which = "a"): Promise<Run> {
  const dir = await ensureRunDir(which);
  const info = JSON.parse(readFileSync(join(dir, "run.json"), "utf8")) as RunInfo;
  const db = await DuckDBInstance.create(":memory:");
  const con: DuckDBConnection = await db.connect();
  const file = (name: string) => `'${join(dir, name).replaceAll("'", "''")}'`;
  for (const name of ["detections", "tracks", "motion"]) {
    await con.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet(${file(`${name}.parquet`)})`);
  }
  return {
    dir,
    info,
    columns: async (sql) => (await con.runAndReadAll(sql)).getColumnsObjectJson(),
    rows: async (sql) => (await con.runAndReadAll(sql)).getRowObjectsJson(),
    con,
    close() {
      con.closeSync();
      db.closeSync();
    },
  };
}

/** Writes the loader's output and waits until it is flushed. */
export function emit(data: string | Uint8Array): Promise<void> {
  return new Promise((done, fail) => process.stdout.write(data, (error) => (error ? fail(error) : done())));
}

export function emitJson(value: unknown): Promise<void> {
  return emit(JSON.stringify(value));
}
