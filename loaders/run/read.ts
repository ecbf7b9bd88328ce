// Reading runs back: one run folder's run.json (upgraded to the current contract), its wall-clock
// start, and the run folders of a dataset (a run folder itself, or any folder above run folders).
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { segmentStart, type CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { sql, withDuckDb } from "../store/duckdb.ts";
import { RUN_JSON, runStride, type RunSummary } from "./contract.ts";
import { runThresholds } from "./thresholds.ts";

/** run.json as files before the current contract wrote it: thresholds under other names (model.scoreThreshold, counting.scoreThreshold). */
type OlderRun = Partial<RunSummary> & {
  model?: { scoreThreshold?: number };
  counting?: { scoreThreshold?: number };
};

/** An older run.json in the current shape (the fields it lacks derived the way its writer did). */
export function upgradeRun(raw: OlderRun): RunSummary {
  const run = raw as RunSummary;
  const stride = runStride(raw as RunSummary);
  const upgraded = {
    ...run,
    options: { ...run.options, stride },
    framesAnalysed: raw.framesAnalysed ?? Math.ceil((raw.video?.frameCount ?? 0) / stride),
  };
  if (!raw.thresholds) {
    const detect = raw.model?.scoreThreshold ?? 0.45;
    upgraded.thresholds = runThresholds({ detect, count: raw.counting?.scoreThreshold, tracker: raw.options?.tracker ?? "bytetrack" });
  }
  return upgraded;
}

/** The run in `dir`; a missing or unreadable run.json is bad input naming the folder and the fix. */
export function readRun(dir: string, opts: { tracks?: boolean } = {}): RunSummary {
  const file = join(resolve(dir), RUN_JSON);
  if (!existsSync(file)) throw new UserError(`${dir}: no run.json there; run \`smw analyze VIDEO --out ${dir}\` first`);
  if (opts.tracks && !existsSync(join(dir, "tracks.parquet"))) throw new UserError(`${dir}: no tracks.parquet there; the run did not finish, run \`smw analyze VIDEO --out ${dir}\` again`);
  try {
    return upgradeRun(JSON.parse(readFileSync(file, "utf8")));
  } catch (e) {
    throw new UserError(`${file}: not valid JSON (${(e as Error).message}); re-run smw analyze into ${dir}`);
  }
}

/** Written under a temporary name and renamed: a reader never sees half a run.json. */
export function writeRun(dir: string, run: RunSummary): void {
  const file = join(dir, RUN_JSON);
  writeFileSync(`${file}.tmp`, JSON.stringify(run, null, 2));
  renameSync(`${file}.tmp`, file);
}

/** The start smw analyze recorded for the segment (file name or back-to-back segments), else the config's rule. */
export function runStart(run: Pick<RunSummary, "segment" | "video">, config?: CameraConfig): Date | null {
  if (run.segment?.start) return new Date(run.segment.start);
  return config ? segmentStart(config, run.video.path) : null;
}

/** Wall-clock start of the run in `dir`. */
export function runStartOf(dir: string, config?: CameraConfig): Date | null {
  return runStart(readRun(dir), config);
}

/** Run folders under the given paths (a run folder itself, or any folder above run folders). */
export function findRunDirs(paths: string[]): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (existsSync(join(dir, RUN_JSON))) return void found.push(dir);
    if (depth > 4) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory() && !e.name.startsWith(".")) walk(join(dir, e.name), depth + 1);
  };
  for (const p of paths) {
    if (!existsSync(p) || !statSync(p).isDirectory()) throw new UserError(`${p}: not a run folder; pass the --out folder of smw analyze`);
    walk(p, 0);
    if (!found.length) throw new UserError(`${p}: holds no run.json; run smw analyze into it first`);
  }
  return found.sort();
}

/** The runs of one camera in a dataset, and the DuckDB glob that names their tracks when they sit in its partitions. */
export interface CameraRuns {
  store: string | null;
  camera: string;
  dirs: string[];
  /** `<...>/store=<id>/camera=<id>/date=*\/*\/tracks.parquet`, or null for runs outside the layout. */
  glob: string | null;
}

/**
 * Run folders grouped by camera: by their store=<id>/camera=<id> partitions (a store's dataset,
 * `smw analyze` of a folder), else by the camera run.json records. Lines and zones belong to a
 * camera, so each group is analysed with its own camera config. A group gets its glob when one
 * of `given` (the paths the user named) is its camera folder or above it: then the glob names
 * exactly the runs asked for.
 */
export function camerasOf(dirs: string[], given: string[] = []): CameraRuns[] {
  const groups = new Map<string, CameraRuns>();
  const roots = given.map((g) => resolve(g));
  for (const dir of dirs) {
    const parts = resolve(dir).split("/");
    const at = parts.length - 3;
    const partitioned = at > 0 && parts[at].startsWith("camera=") && parts[at + 1].startsWith("date=");
    const store = partitioned && parts[at - 1].startsWith("store=") ? parts[at - 1].slice(6) : null;
    const camera = partitioned ? parts[at].slice(7) : readRun(dir).segment?.camera ?? "camera";
    const cameraDir = parts.slice(0, at + 1).join("/");
    const above = partitioned && roots.some((r) => cameraDir === r || cameraDir.startsWith(`${r}/`));
    const glob = above ? join(cameraDir, "date=*", "*", "tracks.parquet") : null;
    const key = `${store}\u0000${camera}\u0000${partitioned ? cameraDir : ""}`;
    const g = groups.get(key) ?? { store, camera, dirs: [], glob };
    g.dirs.push(dir);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** Run folders named by tracks.parquet files, run folders, or globs of either (expanded by DuckDB's glob()). */
export function runDirsMatching(patterns: readonly string[]): Promise<string[]> {
  return withDuckDb(async (conn) => {
    const dirs: string[] = [];
    for (const pattern of patterns) {
      if (!/[*?[]/.test(pattern)) {
        if (!existsSync(pattern)) throw new UserError(`${pattern}: no such tracks file or run directory`);
        dirs.push(statSync(pattern).isDirectory() ? pattern : dirname(pattern));
        continue;
      }
      const files = (await conn.runAndReadAll(`SELECT file FROM glob(${sql.string(pattern)}) ORDER BY file`)).getRowObjectsJS() as { file: string }[];
      const matches = files.map((f) => f.file).filter((f) => basename(f) === "tracks.parquet" || existsSync(join(f, "tracks.parquet")));
      if (matches.length === 0) throw new UserError(`${pattern}: matches no tracks.parquet`);
      for (const f of matches) dirs.push(basename(f) === "tracks.parquet" ? dirname(f) : f);
    }
    return [...new Set(dirs)];
  });
}
