// CSV for spreadsheets: a summary row per track, footfall per time interval, and any event
// tables the run has (events.parquet, zone visits, alerts...) as they are. The figures come from
// the analytics engine's views over the run and its camera config (the camera.json stored with
// it), so footfall leaves staff out exactly as `smw report` and the pages do. DuckDB writes the
// files (COPY ... (FORMAT csv, HEADER)), each under a temporary name renamed at the end so a
// spreadsheet never opens half a file.
import { existsSync, readdirSync, renameSync, rmSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { openAnalytics } from "../analytics/views.ts";
import { ensureQueueEpisodes } from "../analytics/queues.ts";
import { loadCameraConfig, parseCameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { runStart } from "../run/read.ts";
import { sql } from "../store/duckdb.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { readRun } from "../run/read.ts";
import { tracksFile } from "./run-data.ts";

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
  const run = readRun(runDir);
  tracksFile(runDir); // a run that did not finish: say so before opening anything
  const out = resolve(outDir);
  ensureWritableDir(out);
  const cameraJson = join(runDir, "camera.json");
  const config = existsSync(cameraJson) ? loadCameraConfig(cameraJson) : parseCameraConfig({ camera: basename(resolve(runDir)) });
  const a = await openAnalytics({ runs: [{ dir: runDir, start: runStart(run, config) }], config });
  const files: string[] = [];
  // the last interval ends with the video, not past it
  const endExpr = run.video.duration > 0 ? `least((i + 1) * ${interval}, ${run.video.duration})` : `(i + 1) * ${interval}`;
  const bucket = `floor(t_seconds / ${interval})::BIGINT AS i`;
  try {
    // One row per track: when it was first and last seen, how long it stayed, where it came in
    // and left (foot points, source pixels), how much of it the detector saw, and whether the
    // camera's staff rules leave it out of the customer figures.
    const nTracks = await copyCsv(a.conn, `
      SELECT track_id,
             min(frame) AS first_frame, max(frame) AS last_frame,
             round(min(t_seconds), 3) AS first_seconds, round(max(t_seconds), 3) AS last_seconds,
             round(max(t_seconds) - min(t_seconds), 3) AS dwell_seconds,
             count(*) AS points, count(*) FILTER (WHERE NOT interpolated) AS observed_points,
             round(arg_min(foot_x, frame), 1) AS first_x, round(arg_min(foot_y, frame), 1) AS first_y,
             round(arg_max(foot_x, frame), 1) AS last_x, round(arg_max(foot_y, frame), 1) AS last_y,
             bool_or(staff) AS staff
      FROM tracks GROUP BY track_id ORDER BY first_frame, track_id`, join(out, "tracks_summary.csv"), files);

    // Footfall per interval of the video, the engine's definitions: customers first seen there
    // (a person counts once, where they start), staff first seen, customers' line crossings, and
    // customers in view averaged over every analysed frame of the interval, empty ones included.
    const intervals = await copyCsv(a.conn, `
      WITH v AS (SELECT ${bucket}, count(*) FILTER (NOT staff) AS visitors, count(*) FILTER (staff) AS staff FROM visitors GROUP BY ALL),
           e AS (SELECT ${bucket}, count(*) FILTER (direction = 'in') AS line_in, count(*) FILTER (direction = 'out') AS line_out
                 FROM events WHERE NOT staff GROUP BY ALL),
           f AS (SELECT ${bucket}, count(*) AS frames, avg(customers) AS mean_in_view, max(customers) AS max_in_view FROM people_in_view GROUP BY ALL),
           keys AS (SELECT i FROM f UNION SELECT i FROM v UNION SELECT i FROM e)
      SELECT i AS interval, round(i * ${interval}, 3) AS start_seconds, round(${endExpr}, 3) AS end_seconds,
             coalesce(v.visitors, 0) AS visitors, coalesce(v.staff, 0) AS staff,
             coalesce(e.line_in, 0) AS line_in, coalesce(e.line_out, 0) AS line_out,
             round(coalesce(f.mean_in_view, 0), 3) AS customers_in_view_mean, coalesce(f.max_in_view, 0) AS customers_in_view_max,
             coalesce(f.frames, 0) AS frames_analysed
      FROM keys LEFT JOIN f USING (i) LEFT JOIN v USING (i) LEFT JOIN e USING (i) ORDER BY i`, join(out, "footfall.csv"), files);

    // Queues at the till (camera.json zones of kind queue): one row per person who queued, and
    // people in each queue zone per interval.
    if (config.zones.some((z) => z.kind === "queue")) {
      await ensureQueueEpisodes(a);
      await copyCsv(a.conn, `SELECT queue, checkout, uid, round(join_t, 3) AS joined_seconds, round(served_t, 3) AS served_seconds, round(done_t, 3) AS done_seconds,
          round(wait_seconds, 3) AS wait_seconds, round(service_seconds, 3) AS service_seconds, status, stitched
        FROM queue_episodes ORDER BY join_t, uid`, join(out, "queues.csv"), files);
      await copyCsv(a.conn, `SELECT zone AS queue, ${bucket.replace(" AS i", "")} AS interval, round(min(t_seconds), 3) AS start_seconds,
          round(avg(customers), 3) AS in_line_mean, max(customers) AS in_line_max
        FROM zone_occupancy WHERE kind = 'queue' GROUP BY ALL ORDER BY interval, queue`, join(out, "queue_length.csv"), files);
    }

    // Whatever event tables other stages left in the run (events, zone visits, alerts...).
    for (const f of readdirSync(resolve(runDir)).filter((f) => f.endsWith(".parquet")).sort()) {
      const name = basename(f, ".parquet");
      if (NOT_EVENTS.has(name)) continue;
      await copyCsv(a.conn, `SELECT * FROM read_parquet(${sql.string(join(resolve(runDir), f))})`, join(out, `${name}.csv`), files);
    }
    return { files, tracks: nTracks, intervals };
  } finally {
    a.close();
  }
}

/**
 * A text cell a spreadsheet would run as a formula (it starts with =, +, -, @, tab or carriage
 * return) gets a leading apostrophe, as the OWASP guidance on CSV injection says: a zone named
 * `=HYPERLINK(...)` is shown as text. A cell that is just a number ("-3.5") is no formula and is
 * left alone, and numeric columns are never touched.
 */
export function csvSafeSql(column: string): string {
  return `CASE WHEN regexp_matches(${column}, '^[=+\\-@\\t\\r]') AND NOT regexp_matches(${column}, '^[-+]?[0-9]*\\.?[0-9]+([eE][-+]?[0-9]+)?$')
    THEN '''' || ${column} ELSE ${column} END`;
}

/** COPY a query to CSV with a header, atomically, text cells made formula-safe; returns the row count. */
async function copyCsv(conn: DuckDBConnection, query: string, file: string, files: string[]): Promise<number> {
  const columns = (await conn.runAndReadAll(`DESCRIBE (${query})`)).getRowObjectsJS() as { column_name: string; column_type: string }[];
  const select = columns
    .map(({ column_name: name, column_type: type }) => {
      const col = `"${name.replaceAll('"', '""')}"`;
      return type === "VARCHAR" ? `${csvSafeSql(col)} AS ${col}` : col;
    })
    .join(", ");
  const tmp = `${file}.tmp`;
  try {
    const r = await conn.run(`COPY (SELECT ${select} FROM (${query})) TO ${sql.string(tmp)} (FORMAT csv, HEADER)`);
    renameSync(tmp, file);
    files.push(file);
    return r.rowsChanged;
  } catch (e) {
    if (existsSync(tmp)) rmSync(tmp, { force: true });
    throw e;
  }
}
