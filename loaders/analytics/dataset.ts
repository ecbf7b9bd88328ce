// A store's dataset for the workbench and the reports: the layout queue workers write
// (<root>/store=<id>/camera=<id>/date=<YYYY-MM-DD>/<segment>/), a camera's folder of segments, or
// a single run. Chosen by store and by a range of local dates, and opened as one analytics engine
// per camera (each camera has its own lines, zones, clock and floor mapping).
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { loadCameraConfig, parseCameraConfig, type CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { camerasOf, findRunDirs, readRun, runStart } from "../run/read.ts";
import { openAnalytics, type Analytics } from "./views.ts";

const DATE = /^\d{4}-\d\d-\d\d$/;

export interface DatasetChoice {
  /** Dataset roots, camera folders or run folders. */
  paths: string[];
  /** Only this store (store=<id>). */
  store?: string;
  /** Only these local dates, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** A camera config for every camera (default: each camera's camera.json stored with its runs). */
  config?: string;
}

export interface DatasetCamera {
  store: string | null;
  camera: string;
  /** The camera's run folders in the chosen dates, in time order. */
  dirs: string[];
  config: CameraConfig;
  /** Where the config came from, or null (no lines or zones). */
  configPath: string | null;
  /** Local dates with footage. */
  dates: string[];
  a: Analytics;
}

export interface Dataset {
  cameras: DatasetCamera[];
  /** Stores in the dataset before choosing one (so a picker can list them). */
  stores: string[];
  close(): void;
}

const localDate = (d: Date, timeZone: string) =>
  new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);

/** The date a run folder's partition names, else its start's local date, else null. */
function runDate(dir: string, config: CameraConfig): string | null {
  const part = /(?:^|\/)date=(\d{4}-\d\d-\d\d)(?:\/|$)/.exec(resolve(dir));
  if (part) return part[1];
  const start = runStart(readRun(dir), config);
  return start ? localDate(start, config.timezone) : null;
}

/** The camera config stored with a camera's runs: the newest run's camera.json (a camera moved mid-way uses its latest lines and zones). */
function storedConfig(dirs: string[], given?: string): { config: CameraConfig; path: string | null } {
  if (given) return { config: loadCameraConfig(given), path: given };
  const path = [...dirs].reverse().map((d) => join(d, "camera.json")).find((f) => existsSync(f));
  return path ? { config: loadCameraConfig(path), path } : { config: parseCameraConfig({ camera: basename(dirs[0]) }), path: null };
}

export function checkDate(value: string | undefined, flag: string): string | undefined {
  if (value !== undefined && (!DATE.test(value) || !Number.isFinite(Date.parse(`${value}T00:00:00Z`)))) {
    throw new UserError(`${flag} ${value}: not a date; write it like 2024-05-06`);
  }
  return value;
}

/** A camera's runs in the chosen store and dates, not yet opened. */
export type ChosenCamera = Omit<DatasetCamera, "a">;

/** The chosen cameras and dates, without opening anything: bad choices are one-line errors naming what there is. */
export function chooseRuns(choice: DatasetChoice): { cameras: ChosenCamera[]; stores: string[] } {
  const from = checkDate(choice.from, "--from"), to = checkDate(choice.to, "--to");
  if (from && to && from > to) throw new UserError(`--from ${from} is after --to ${to}; swap them`);
  const groups = camerasOf(findRunDirs(choice.paths), choice.paths);
  const stores = [...new Set(groups.map((g) => g.store).filter((s): s is string => s !== null))].sort();
  const chosen = choice.store === undefined ? groups : groups.filter((g) => g.store === choice.store);
  if (!chosen.length) throw new UserError(`--store ${choice.store}: no such store in ${choice.paths.join(", ")} (stores: ${stores.join(", ") || "none; the runs are not in store=<id> folders"})`);
  const cameras: ChosenCamera[] = [];
  for (const g of chosen.sort((x, y) => `${x.store}/${x.camera}`.localeCompare(`${y.store}/${y.camera}`))) {
    const { config, path } = storedConfig(g.dirs, choice.config);
    const kept = g.dirs.map((dir) => ({ dir, date: runDate(dir, config) })).filter(({ date }) => (!from || (date !== null && date >= from)) && (!to || (date !== null && date <= to)));
    if (!kept.length) continue;
    const dates = [...new Set(kept.map((k) => k.date).filter((d): d is string => d !== null))].sort();
    cameras.push({ store: g.store, camera: g.camera, dirs: kept.map((k) => k.dir), config, configPath: path, dates });
  }
  if (!cameras.length) {
    const all = [...new Set(chosen.flatMap((g) => g.dirs.map((d) => /date=([\d-]+)/.exec(d)?.[1]).filter(Boolean)))].sort();
    throw new UserError(`no footage between ${from ?? "the start"} and ${to ?? "the end"} (dates in the dataset: ${all.length ? `${all[0]} to ${all.at(-1)}` : "unknown"}); choose dates inside it`);
  }
  return { cameras, stores };
}

/** Opens the chosen cameras and dates, one analytics engine each. */
export async function openDataset(choice: DatasetChoice): Promise<Dataset> {
  const { cameras: chosen, stores } = chooseRuns(choice);
  const cameras: DatasetCamera[] = [];
  try {
    for (const c of chosen) {
      const a = await openAnalytics({ runs: c.dirs.map((dir) => ({ dir, start: runStart(readRun(dir), c.config) })), config: c.config });
      cameras.push({ ...c, a });
    }
  } catch (e) {
    for (const c of cameras) c.a.close();
    throw e;
  }
  return { cameras, stores, close: () => cameras.forEach((c) => c.a.close()) };
}
