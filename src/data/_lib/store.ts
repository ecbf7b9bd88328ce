// The store the site is built from, for every page's loader: a dataset root ($SMW_DATA: the
// layout queue workers write, store=<id>/camera=<id>/date=<YYYY-MM-DD>/<segment>/), or a camera's
// folder of segments, or one run ($SMW_RUN, default the bundled demo run). $SMW_STORE, $SMW_FROM
// and $SMW_TO choose a store and a range of local dates.
//
// One clock for all cameras: `t`, seconds from local midnight of the first date (the store's
// wall clock, kept as UTC so the viewer's time zone never shifts it). Each segment's rows are
// moved onto it by the segment's offset, so pages filter every camera by one window. Without a
// wall-clock start (a clip with no start time), t is seconds from the video's start.
import { existsSync, readFileSync } from "node:fs";
import { createHash } from "node:crypto";
import { basename, dirname, join, resolve } from "node:path";
import { chooseRuns, type ChosenCamera, type Dataset, type DatasetCamera } from "../../../loaders/analytics/dataset.ts";
import { loadCameraConfig, parseCameraConfig } from "../../../loaders/config/camera.ts";
import { openAnalytics } from "../../../loaders/analytics/views.ts";
import { readRun, runStart } from "../../../loaders/run/read.ts";
import { query, sql } from "../../../loaders/store/duckdb.ts";
import { cameraConfigPath } from "./analytics.ts";
import { ensureRunDir, REPO_ROOT } from "./run.ts";

export interface StoreSource {
  /** What the site shows, for the page header: the dataset's paths and choices. */
  label: string;
  roots: string[];
  store?: string;
  from?: string;
  to?: string;
}

/** The store the environment names (see the header): its cameras' runs and configs, nothing opened yet. */
export async function chooseStore(): Promise<{ cameras: ChosenCamera[]; stores: string[]; source: StoreSource }> {
  const from = process.env.SMW_FROM || undefined, to = process.env.SMW_TO || undefined, store = process.env.SMW_STORE || undefined;
  if (process.env.SMW_DATA) {
    const roots = process.env.SMW_DATA.split(",").map((p) => resolve(REPO_ROOT, p.trim()));
    const { cameras, stores } = chooseRuns({ paths: roots, store, from, to });
    return { cameras, stores, source: { label: roots.map(relative).join(", "), roots, store, from, to } };
  }
  // one run (made on demand for the bundled demo): its config as the single-run pages always found it
  const dir = await ensureRunDir("a");
  const path = cameraConfigPath(dir);
  const config = path ? loadCameraConfig(path) : parseCameraConfig({ camera: basename(dir) });
  const start = runStart(readRun(dir), config);
  const date = start ? new Intl.DateTimeFormat("en-CA", { timeZone: config.timezone, year: "numeric", month: "2-digit", day: "2-digit" }).format(start) : null;
  const camera: ChosenCamera = { store: null, camera: config.camera, dirs: [dir], config, configPath: path ?? null, dates: date ? [date] : [] };
  return { cameras: [camera], stores: [], source: { label: relative(dir), roots: [dir] } };
}

/** The store the environment names, opened one analytics engine per camera. */
export async function openStore(): Promise<{ ds: Dataset; source: StoreSource }> {
  const { cameras: chosen, stores, source } = await chooseStore();
  const cameras: DatasetCamera[] = [];
  try {
    for (const c of chosen) {
      const segment = chosen.length === 1 && c.dirs.length === 1 && !process.env.SMW_DATA ? basename(c.dirs[0]) : undefined;
      const a = await openAnalytics({ runs: c.dirs.map((dir) => ({ dir, start: runStart(readRun(dir), c.config), segment })), config: c.config });
      cameras.push({ ...c, a });
    }
  } catch (e) {
    for (const c of cameras) c.a.close();
    throw e;
  }
  return { ds: { cameras, stores, close: () => cameras.forEach((c) => c.a.close()) }, source };
}

export const relative = (path: string) => (path.startsWith(REPO_ROOT + "/") ? path.slice(REPO_ROOT.length + 1) : path);

/** A short id of what was built, so a page's remembered choices (camera, window) never cross to another site. */
export function storeId(source: StoreSource, cameras: readonly DatasetCamera[]): string {
  const key = JSON.stringify([source, cameras.map((c) => [c.store, c.camera, c.dirs.length, c.dates[0], c.dates.at(-1)])]);
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export interface StoreClock {
  wall: boolean;
  /** Local midnight of the first date as seconds (as if UTC); 0 without a wall clock. */
  epoch: number;
}

/**
 * The shared clock, and in each camera's engine a table _seg_off (segment, off) such that
 * t = t_seconds + off. Segments without a start are placed back to back from 0 when no segment
 * has one; mixed with dated ones, they cannot be placed and are left out (their names returned).
 */
export async function placeSegments(cameras: readonly DatasetCamera[]): Promise<{ clock: StoreClock; unplaced: string[] }> {
  const starts = cameras.flatMap((c) => c.a.segments.map((s) => s.start));
  const wall = starts.some((s) => s !== null);
  let epoch = 0;
  if (wall) {
    const mins = [];
    for (const c of cameras) {
      const [{ m }] = await query<{ m: number | null }>(c.a, `SELECT min(epoch(date_trunc('day', timezone(${sql.string(c.config.timezone)}, start))))::DOUBLE AS m FROM segments WHERE start IS NOT NULL`);
      if (m !== null) mins.push(m);
    }
    epoch = Math.min(...mins);
  }
  const unplaced: string[] = [];
  for (const c of cameras) {
    if (wall) {
      await c.a.conn.run(`CREATE TABLE _seg_off AS SELECT segment, epoch(timezone(${sql.string(c.config.timezone)}, start)) - ${epoch} AS off FROM segments WHERE start IS NOT NULL`);
      unplaced.push(...c.a.segments.filter((s) => s.start === null).map((s) => `${c.camera}/${s.segment}`));
    } else {
      await c.a.conn.run(`CREATE TABLE _seg_off (segment VARCHAR, off DOUBLE)`);
      let off = 0;
      for (const s of c.a.segments) {
        await c.a.conn.run(`INSERT INTO _seg_off VALUES (${sql.string(s.segment)}, ${off})`);
        off += s.framesAnalysed * s.dt;
      }
    }
  }
  return { clock: { wall, epoch }, unplaced };
}

/** Foot-point grid of a camera's picture: 128 cells on the long side, square cells. */
export function gridFor(width: number, height: number): { cols: number; rows: number; cell: number } {
  const cell = Math.max(width, height) / 128;
  return { cols: Math.ceil(width / cell), rows: Math.ceil(height / cell), cell };
}

/** Width and height of a PNG from its header. */
export function pngSize(bytes: Uint8Array): [number, number] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return [v.getUint32(16), v.getUint32(20)];
}

/**
 * The floor plan image a camera's floor block names: beside its camera.json, in the store's
 * folder of the dataset (store=<id>/), at a dataset root, or under the repository's data/.
 */
export function findPlan(plan: string, c: ChosenCamera, roots: readonly string[]): string | null {
  const places = [
    c.configPath ? dirname(c.configPath) : null,
    ...roots.flatMap((r) => [c.store ? join(r, `store=${c.store}`) : null, r]),
    join(REPO_ROOT, "data"),
    join(REPO_ROOT, "data", "scenarios"),
  ];
  for (const p of places) if (p && existsSync(resolve(p, plan))) return resolve(p, plan);
  return existsSync(plan) ? resolve(plan) : null;
}

export const readBytes = (path: string) => new Uint8Array(readFileSync(path));
