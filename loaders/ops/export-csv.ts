// CSV for spreadsheets: a summary row per track, footfall per time interval, and any
// event tables the run has (events.parquet, zone visits, alerts...) as they are. DuckDB
// does the aggregation and writes the files (COPY ... (FORMAT csv, HEADER)), each under a
// temporary name renamed at the end so a spreadsheet never opens half a file.
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { UserError } from "../errors.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { sqlString } from "../store/parquet-writer.ts";
import { analysedFrameRange, readRunSummary, tracksFile, withDuckDb } from "./run-data.ts";

export interface ExportCsvOptions {
  /** Footfall interval length, seconds. Default 60. */
  intervalSeconds?: number;
}

export interface ExportCsvResult {
  /** Files written, absolute paths. */
  files: string[];
  tracks: number;
  intervals: number;
}

export const EXPORT_DEFAULTS = { intervalSeconds: 60 } as const;

/** Tables of a run that are not events: the pipeline's own outputs, exported as summaries instead. */
const NOT_EVENTS = new Set(["tracks", "detections", "motion"]);

export async function exportCsv(runDir: string, outDir: string, opts: ExportCsvOptions = {}): Promise<ExportCsvResult> {
  const interval = opts.intervalSeconds ?? EXPORT_DEFAULTS.intervalSeconds;
  if (!(interval > 0) || !Number.isFinite(interval)) throw new UserError(`interval must be a number of seconds > 0 (got ${interval})`);
  const run = readRunSummary(runDir);
  const tracks = sqlString(tracksFile(runDir));
  const out = resolve(outDir);
  ensureWritableDir(out);
  const { stride, last } = analysedFrameRange(run);
  const fps = run.video.fps;
  // the last interval ends with the video, not past it
  const endExpr = run.video.duration > 0 ? `least((per.i + 1) * ${interval}, ${run.video.duration})` : `(per.i + 1) * ${interval}`;
  const files: string[] = [];

  return withDuckDb(async (conn) => {
    // One row per track: when it was first and last seen, how long it stayed, where it came
    // in and left (foot points, source pixels), how much of it the detector actually saw.
    await copyCsv(conn, `
      SELECT track_id,
             min(frame) AS first_frame, max(frame) AS last_frame,
             round(min(t_seconds), 3) AS first_seconds, round(max(t_seconds), 3) AS last_seconds,
             round(max(t_seconds) - min(t_seconds), 3) AS dwell_seconds,
             count(*) AS points, count(*) FILTER (WHERE NOT interpolated) AS observed_points,
             round(arg_min((x1 + x2) / 2, frame), 1) AS first_x, round(arg_min(y2, frame), 1) AS first_y,
             round(arg_max((x1 + x2) / 2, frame), 1) AS last_x, round(arg_max(y2, frame), 1) AS last_y
      FROM read_parquet(${tracks}) GROUP BY track_id ORDER BY first_frame, track_id`, join(out, "tracks_summary.csv"), files);

    // Footfall: people first seen per interval (a track counts once, where it starts), and
    // people in view averaged over every analysed frame of the interval, empty ones included.
    await conn.run(`
      CREATE TEMP TABLE counts AS SELECT frame, min(t_seconds) AS t, count(*) AS n FROM read_parquet(${tracks}) GROUP BY frame;
      CREATE TEMP TABLE frames AS
        SELECT coalesce(c.frame, r.range) AS frame, coalesce(c.t, r.range / ${fps}) AS t, coalesce(c.n, 0) AS n
        FROM range(0, ${last + 1}, ${stride}) r FULL OUTER JOIN counts c ON c.frame = r.range;
      CREATE TEMP TABLE firsts AS SELECT track_id, min(t_seconds) AS t FROM read_parquet(${tracks}) GROUP BY track_id;
    `);
    const intervals = await copyCsv(conn, `
      WITH f AS (SELECT floor(t / ${interval})::BIGINT AS i, n FROM frames),
           per AS (SELECT i, count(*) AS frames, avg(n) AS mean_n, max(n) AS max_n FROM f GROUP BY i),
           arrivals AS (SELECT floor(t / ${interval})::BIGINT AS i, count(*) AS new_tracks FROM firsts GROUP BY i)
      SELECT per.i AS interval, round(per.i * ${interval}, 3) AS start_seconds, round(${endExpr}, 3) AS end_seconds,
             coalesce(arrivals.new_tracks, 0) AS new_tracks,
             round(per.mean_n, 3) AS people_in_view_mean, per.max_n AS people_in_view_max, per.frames AS frames_analysed
      FROM per LEFT JOIN arrivals USING (i) ORDER BY interval`, join(out, "footfall.csv"), files);

    // Whatever event tables other stages left in the run (events, zone visits, alerts...).
    for (const f of readdirSync(resolve(runDir)).filter((f) => f.endsWith(".parquet")).sort()) {
      const name = basename(f, ".parquet");
      if (NOT_EVENTS.has(name)) continue;
      await copyCsv(conn, `SELECT * FROM read_parquet(${sqlString(join(resolve(runDir), f))})`, join(out, `${name}.csv`), files);
    }
    const nTracks = Number((await conn.runAndReadAll(`SELECT count(*) FROM firsts`)).getRows()[0][0]);
    return { files, tracks: nTracks, intervals };
  });
}

/** COPY a query to CSV with a header, atomically; returns the row count. */
async function copyCsv(conn: DuckDBConnection, query: string, file: string, files: string[]): Promise<number> {
  const tmp = `${file}.tmp`;
  try {
    const r = await conn.run(`COPY (${query}) TO ${sqlString(tmp)} (FORMAT csv, HEADER)`);
    renameSync(tmp, file);
    files.push(file);
    return r.rowsChanged;
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw e;
  }
}
