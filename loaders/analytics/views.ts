// The analytics engine: one camera's segments (run directories) as DuckDB views, one view per
// question, so every metric can be re-cut by any window (wall-clock range, daypart, weekday or
// weekend, segment, or seconds from the video start) without new code.
//
// Line crossings, zone visits and where each track was born are computed in TypeScript (they
// need per-track state) and land in tables; everything else is SQL over the Parquet files.
//
// Every view carries the same window columns, so `windowWhere(w)` filters any of them:
//   segment, t_seconds (seconds from the segment's video start), ts (TIMESTAMPTZ, NULL when the
//   segment's start is unknown), local_ts (wall clock in the config's time zone), hour, daypart,
//   is_weekend
// For a view of spans (zone_visits, visitors) the window columns are those of the span's start.
//
// Views: tracks, customer_tracks, visitors, staff_uids, frames, people_in_view, events,
// zone_visits, zone_occupancy, footfall_minute, footfall_hour; table macros footfall(width) and
// dwell_grid(cell_px). The TypeScript metric functions below apply a window before aggregating.
import { existsSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { DuckDBInstance, type DuckDBConnection } from "@duckdb/node-api";
import { contours } from "d3-contour";
import { parseCameraConfig, REST_DAYPART, type CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { frameSeconds } from "../run/contract.ts";
import { readRun, runStart } from "../run/read.ts";
import { query, sql } from "../store/duckdb.ts";
import { pointInPolygon, type FootPath } from "./geometry.ts";
import { lineCrossings } from "./line-crossings.ts";
import { zoneVisits } from "./zones.ts";
import type { ResidualStats } from "../count/model.ts";
import { windowCountInterval, type WindowCount } from "../count/uncertainty.ts";

export interface RunSource {
  dir: string;
  /** Wall-clock time of the segment's first frame; null/absent: unknown (only second-based windows then). */
  start?: Date | null;
  /** Name of the segment; default the directory's name. Track ids are unique only within a segment. */
  segment?: string;
}

export interface Segment {
  segment: string;
  dir: string;
  start: Date | null;
  fps: number;
  stride: number;
  /** Seconds one observation stands for: stride / fps. */
  dt: number;
  width: number;
  height: number;
  framesAnalysed: number;
  /** The run's people counting (counts.parquet), when it has one; `residuals` only when calibrated. */
  counting?: { calibrated: boolean; residuals?: ResidualStats; smoothSeconds: number };
}

export interface Analytics {
  conn: DuckDBConnection;
  config: CameraConfig;
  segments: Segment[];
  close(): void;
}

export { sql, query } from "../store/duckdb.ts";

// ---- windows ----

export interface Window {
  /** Wall-clock range [start, end); rows of segments with unknown start never match. */
  start?: Date;
  end?: Date;
  /** Seconds from the segment's video start, [fromSeconds, toSeconds). */
  fromSeconds?: number;
  toSeconds?: number;
  /** A daypart name from the config ("morning", ...; hours no daypart covers are "night"). */
  daypart?: string;
  weekday?: "weekday" | "weekend";
  segment?: string;
}

/** The SQL condition every metric applies, over the window columns all views share. */
export function windowWhere(w: Window = {}): string {
  const c: string[] = [];
  if (w.start) c.push(`ts >= ${sql.time(w.start)}`);
  if (w.end) c.push(`ts < ${sql.time(w.end)}`);
  if (w.fromSeconds != null) c.push(`t_seconds >= ${Number(w.fromSeconds)}`);
  if (w.toSeconds != null) c.push(`t_seconds < ${Number(w.toSeconds)}`);
  if (w.daypart) c.push(`daypart = ${sql.string(w.daypart)}`);
  if (w.weekday) c.push(w.weekday === "weekend" ? "is_weekend" : "NOT is_weekend");
  if (w.segment) c.push(`segment = ${sql.string(w.segment)}`);
  return c.length ? c.join(" AND ") : "true";
}

// ---- opening ----

/** ts and the local-clock window columns for a row whose seconds-from-start expression is `t` (needs a `start` column in scope). */
export function clockColumns(config: CameraConfig, t: string): string {
  return `start + to_microseconds(CAST(round(${t} * 1e6) AS BIGINT)) AS ts,
    timezone(${sql.string(config.timezone)}, ts) AS local_ts,
    CAST(hour(local_ts) AS INTEGER) AS hour,
    _daypart(hour(local_ts)) AS daypart,
    dayofweek(local_ts) IN (0, 6) AS is_weekend`;
}

function daypartMacro(config: CameraConfig): string {
  const cases = Object.entries(config.dayparts)
    .map(([name, [from, to]]) => `WHEN h >= ${from} AND h < ${to} THEN ${sql.string(name)}`)
    .join(" ");
  return `CREATE MACRO _daypart(h) AS CASE WHEN h IS NULL THEN NULL ${cases} ELSE ${sql.string(REST_DAYPART)} END`;
}

export interface AnalyticsSources {
  /** Run directories (each with run.json and tracks.parquet), with their wall-clock starts. */
  runs?: RunSource[];
  /**
   * tracks.parquet files, their run directories, or globs of either, e.g. a segments dataset
   * `data/segments/camera=front/date=*\/*\/tracks.parquet`. Each match's run.json gives its start
   * (`runStartOf`); name collisions between segments get a -2, -3 suffix.
   */
  tracks?: string[];
  config?: CameraConfig;
}

/** Run directories named by files, directories or globs (expanded by DuckDB's glob()). */
async function runsFromTracks(patterns: readonly string[], config?: CameraConfig): Promise<RunSource[]> {
  const dirs: string[] = [];
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  try {
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
  } finally {
    conn.closeSync();
    db.closeSync();
  }
  return [...new Set(dirs)].map((dir) => ({ dir, start: runStart(readRun(dir, { tracks: true }), config) }));
}

export async function openAnalytics(options: AnalyticsSources): Promise<Analytics> {
  const config = options.config ?? parseCameraConfig({ camera: "camera" });
  const runs = [...(options.runs ?? []), ...(options.tracks ? await runsFromTracks(options.tracks, config) : [])];
  if (runs.length === 0) throw new UserError("no runs to analyse");
  const names = new Set<string>();
  const segments: Segment[] = runs.map((run) => {
    const info = readRun(run.dir, { tracks: true });
    let name = run.segment ?? basename(run.dir);
    for (let k = 2; names.has(name); k++) name = `${run.segment ?? basename(run.dir)}-${k}`;
    names.add(name);
    return {
      segment: name, dir: run.dir, start: run.start ?? null, fps: info.video.fps, stride: info.options.stride, dt: frameSeconds(info),
      width: info.video.width, height: info.video.height,
      framesAnalysed: info.framesAnalysed,
      counting: info.counting && existsSync(join(run.dir, "counts.parquet"))
        ? { calibrated: info.counting.calibrated, residuals: info.counting.residuals, smoothSeconds: info.counting.smoothSeconds ?? 0 }
        : undefined,
    };
  });

  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const a: Analytics = { conn, config, segments, close: () => (conn.closeSync(), db.closeSync()) };
  try {
    await conn.run(`SET TimeZone = 'UTC'`);
    await conn.run(daypartMacro(config));
    await conn.run(`CREATE TABLE segments (segment VARCHAR, dir VARCHAR, start TIMESTAMPTZ, fps DOUBLE, stride INTEGER, dt DOUBLE, width INTEGER, height INTEGER, frames_analysed INTEGER)`);
    for (const s of segments) {
      await conn.run(`INSERT INTO segments VALUES (${sql.string(s.segment)}, ${sql.string(s.dir)}, ${s.start ? sql.time(s.start) : "NULL"},
        ${s.fps}, ${s.stride}, ${s.dt}, ${s.width}, ${s.height}, ${s.framesAnalysed})`);
    }
    await conn.run(`CREATE TABLE zones (zone VARCHAR, kind VARCHAR)`);
    for (const z of config.zones) await conn.run(`INSERT INTO zones VALUES (${sql.string(z.name)}, ${sql.string(z.kind)})`);
    await conn.run(`CREATE TABLE lines (line VARCHAR, in_side VARCHAR)`);
    for (const l of config.lines) await conn.run(`INSERT INTO lines VALUES (${sql.string(l.name)}, ${sql.string(l.in)})`);

    // Raw observations of all segments, with the segment's constants joined on.
    const union = segments
      .map((s) => `SELECT ${sql.string(s.segment)} AS segment, * FROM read_parquet(${sql.string(join(s.dir, "tracks.parquet"))})`)
      .join(" UNION ALL ");
    await conn.run(`CREATE VIEW _tracks AS SELECT r.*, r.segment || '/' || r.track_id AS uid, s.start, s.dt AS dt_seconds
      FROM (${union}) r JOIN segments s USING (segment)`);

    // People counts per analysed frame (runs made before counts.parquet existed have none).
    const counted = segments.filter((s) => s.counting);
    const countsUnion = counted.length
      ? counted.map((s) => `SELECT ${sql.string(s.segment)} AS segment, frame, t_seconds, boxes, estimate FROM read_parquet(${sql.string(join(s.dir, "counts.parquet"))})`).join(" UNION ALL ")
      : `SELECT NULL::VARCHAR AS segment, NULL::INTEGER AS frame, NULL::DOUBLE AS t_seconds, NULL::INTEGER AS boxes, NULL::FLOAT AS estimate WHERE false`;
    await conn.run(`CREATE VIEW _counts AS SELECT c.*, s.start, s.dt AS dt_seconds FROM (${countsUnion}) c JOIN segments s USING (segment)`);

    await computeEvents(a);
    await createViews(a);
  } catch (e) {
    a.close();
    throw e;
  }
  return a;
}

/** Line crossings, zone visits and birth zones per segment, from each track's foot path. */
async function computeEvents(a: Analytics): Promise<void> {
  const { conn, config } = a;
  await conn.run(`CREATE TABLE _events (segment VARCHAR, track_id INTEGER, frame INTEGER, t_seconds DOUBLE, line VARCHAR, direction VARCHAR)`);
  await conn.run(`CREATE TABLE _zone_visits (segment VARCHAR, track_id INTEGER, zone VARCHAR, kind VARCHAR, enter_t DOUBLE, exit_t DOUBLE, dwell_seconds DOUBLE)`);
  await conn.run(`CREATE TABLE _born_in (segment VARCHAR, track_id INTEGER, zone VARCHAR)`);
  if (config.lines.length === 0 && config.zones.length === 0) return;
  const events = await conn.createAppender("_events");
  const visits = await conn.createAppender("_zone_visits");
  const born = await conn.createAppender("_born_in");
  for (const s of a.segments) {
    const cols = (await conn.runAndReadAll(`SELECT track_id, frame, t_seconds, (x1 + x2) / 2 AS x, y2 AS y FROM _tracks
      WHERE segment = ${sql.string(s.segment)} ORDER BY track_id, frame`)).getColumnsJS() as number[][];
    const path: FootPath = {
      track: Int32Array.from(cols[0]), frame: Int32Array.from(cols[1]), t: Float64Array.from(cols[2]),
      x: Float64Array.from(cols[3]), y: Float64Array.from(cols[4]),
    };
    for (const e of lineCrossings(path, config.lines, { minFramesOnSide: config.lineCrossing.minFramesOnSide, segment: s.segment })) {
      events.appendVarchar(e.segment); events.appendInteger(e.track_id); events.appendInteger(e.frame);
      events.appendDouble(e.t_seconds); events.appendVarchar(e.line); events.appendVarchar(e.direction);
      events.endRow();
    }
    for (const v of zoneVisits(path, config.zones, { debounceSeconds: config.zoneDebounceSeconds, observationSeconds: s.dt, segment: s.segment })) {
      visits.appendVarchar(v.segment); visits.appendInteger(v.track_id); visits.appendVarchar(v.zone); visits.appendVarchar(v.kind);
      visits.appendDouble(v.enter_t); visits.appendDouble(v.exit_t); visits.appendDouble(v.dwell_seconds);
      visits.endRow();
    }
    for (let i = 0; i < path.track.length; i++) {
      if (i > 0 && path.track[i] === path.track[i - 1]) continue; // first observation of each track only
      for (const z of config.zones) {
        if (!pointInPolygon(path.x[i], path.y[i], z.polygon)) continue;
        born.appendVarchar(s.segment); born.appendInteger(path.track[i]); born.appendVarchar(z.name);
        born.endRow();
      }
    }
  }
  for (const app of [events, visits, born]) app.closeSync();
}

async function createViews(a: Analytics): Promise<void> {
  const { conn, config } = a;
  const staffZones = config.staff.bornInZones ?? [];
  const maxDwell = config.staff.maxDwellMinutes;
  const views: [string, string][] = [
    // Who is staff: born in a staff zone (first foot point inside it), or in view longer than maxDwellMinutes.
    ["staff_uids", `
      SELECT uid, any_value(segment) AS segment, any_value(track_id) AS track_id, string_agg(reason, '; ') AS reason FROM (
        SELECT segment || '/' || track_id AS uid, segment, track_id, 'born in ' || zone AS reason
        FROM _born_in WHERE zone IN ${sql.list(staffZones)}
        UNION ALL
        SELECT uid, segment, track_id, 'in view ' || round(seconds / 60, 1) || ' min' FROM (
          SELECT uid, segment, track_id, max(t_seconds) - min(t_seconds) + any_value(dt_seconds) AS seconds FROM _tracks GROUP BY ALL)
        WHERE ${maxDwell != null ? `seconds > ${maxDwell * 60}` : "false"}
      ) GROUP BY uid`],
    ["tracks", `
      SELECT segment, frame, t_seconds, track_id, uid, x1, y1, x2, y2, score, interpolated,
        (x1 + x2) / 2 AS foot_x, y2 AS foot_y, dt_seconds,
        uid IN (SELECT uid FROM staff_uids) AS staff,
        ${clockColumns(config, "t_seconds")}
      FROM _tracks`],
    ["customer_tracks", `SELECT * FROM tracks WHERE NOT staff`],
    // One row per person: when first seen (window columns) and how long in view.
    ["visitors", `
      SELECT uid, segment, track_id, staff, t_seconds, last_t, seconds_in_view, ${clockColumns(config, "t_seconds")} FROM (
        SELECT uid, segment, track_id, any_value(staff) AS staff, any_value(start) AS start, min(t_seconds) AS t_seconds,
          max(t_seconds) AS last_t, max(t_seconds) - min(t_seconds) + any_value(dt_seconds) AS seconds_in_view
        FROM (SELECT t.*, s.start FROM tracks t JOIN segments s USING (segment)) GROUP BY ALL)`],
    // Every analysed frame, also those with nobody in view.
    ["frames", `
      SELECT segment, frame, t_seconds, dt AS dt_seconds, ${clockColumns(config, "t_seconds")} FROM (
        SELECT segment, start, dt, k * stride AS frame, k * stride / fps AS t_seconds
        FROM (SELECT *, unnest(range(frames_analysed)) AS k FROM segments))`],
    ["people_in_view", `
      SELECT f.*, coalesce(c.people, 0) AS people, coalesce(c.customers, 0) AS customers
      FROM frames f LEFT JOIN (
        SELECT segment, frame, count(*)::INTEGER AS people, (count(*) FILTER (NOT staff))::INTEGER AS customers FROM tracks GROUP BY ALL
      ) c USING (segment, frame)`],
    ["events", `
      SELECT e.segment, e.track_id, e.segment || '/' || e.track_id AS uid, e.frame, e.t_seconds, e.line, e.direction,
        e.segment || '/' || e.track_id IN (SELECT uid FROM staff_uids) AS staff, ${clockColumns(config, "e.t_seconds")}
      FROM _events e JOIN segments USING (segment)`],
    ["zone_visits", `
      SELECT v.segment, v.track_id, v.segment || '/' || v.track_id AS uid, v.zone, v.kind, v.enter_t, v.exit_t, v.dwell_seconds,
        v.dwell_seconds >= ${config.stopperSeconds} AS stopper,
        v.segment || '/' || v.track_id IN (SELECT uid FROM staff_uids) AS staff,
        v.enter_t AS t_seconds, ${clockColumns(config, "v.enter_t")}
      FROM _zone_visits v JOIN segments USING (segment)`],
    // Customers inside each zone per analysed frame (zero included). A person counts from the start
    // of a (debounced) visit until it ends, so occupancy summed over frames x dt equals total dwell.
    ["zone_occupancy", `
      SELECT f.segment, f.frame, f.t_seconds, f.dt_seconds, f.ts, f.local_ts, f.hour, f.daypart, f.is_weekend, z.zone, z.kind,
        count(v.uid)::INTEGER AS customers
      FROM frames f CROSS JOIN zones z
      LEFT JOIN zone_visits v ON v.segment = f.segment AND v.zone = z.zone AND NOT v.staff
        AND f.t_seconds >= v.enter_t - 1e-6 AND f.t_seconds < v.exit_t - 1e-6
      GROUP BY ALL`],
  ];
  views.push(
    // People in the counting region per analysed frame: the count stage's estimate (calibrated
    // model, static objects left out), everyone including staff.
    ["counts", `SELECT segment, frame, t_seconds, dt_seconds, boxes, estimate, ${clockColumns(config, "t_seconds")} FROM _counts`],
  );
  for (const [name, body] of views) await conn.run(`CREATE VIEW ${name} AS ${body}`);
  await conn.run(`CREATE MACRO footfall(bucket_width) AS TABLE ${footfallSql("bucket_width", "true")}`);
  await conn.run(`CREATE MACRO dwell_grid(cell_px) AS TABLE ${dwellGridSql("cell_px", "true")}`);
  // The two bucket widths pages ask for most; other widths and windows: footfall('15 minutes') or footfall().
  await conn.run(`CREATE VIEW footfall_minute AS SELECT * FROM footfall('1 minute')`);
  await conn.run(`CREATE VIEW footfall_hour AS SELECT * FROM footfall('1 hour')`);
}

// ---- metrics (each one SQL text shared by a DuckDB macro and a TypeScript function) ----

export type Bucket = "minute" | "hour" | "day" | (string & {});
const bucketInterval = (b: Bucket) => (b === "minute" || b === "hour" || b === "day" ? `1 ${b}` : b);

/**
 * Footfall per time bucket: customers first seen, line ins and outs, and the seconds of footage
 * the bucket holds (buckets without footage are absent; with footage but nobody, zero). Buckets are
 * wall-clock (`bucket`, local time text) when the segment's start is known, else seconds from the
 * segment's start (`segment`, `bucket_seconds`).
 */
function footfallSql(width: string, where: string): string {
  const key = `strftime(time_bucket(CAST(${width} AS INTERVAL), local_ts), '%Y-%m-%d %H:%M:%S') AS bucket,
    CASE WHEN local_ts IS NULL THEN segment END AS segment,
    CASE WHEN local_ts IS NULL THEN floor(t_seconds / epoch(CAST(${width} AS INTERVAL))) * epoch(CAST(${width} AS INTERVAL)) END AS bucket_seconds`;
  return `
    WITH f AS (SELECT ${key}, sum(dt_seconds) AS covered_seconds FROM frames WHERE ${where} GROUP BY ALL),
    v AS (SELECT ${key}, count(*) AS n FROM visitors WHERE NOT staff AND ${where} GROUP BY ALL),
    e AS (SELECT ${key}, count(*) FILTER (direction = 'in') AS ins, count(*) FILTER (direction = 'out') AS outs
          FROM events WHERE NOT staff AND ${where} GROUP BY ALL)
    SELECT f.bucket, f.segment, f.bucket_seconds, f.covered_seconds,
      coalesce(v.n, 0)::INTEGER AS visitors, coalesce(e.ins, 0)::INTEGER AS line_in, coalesce(e.outs, 0)::INTEGER AS line_out
    FROM f
    LEFT JOIN v ON v.bucket IS NOT DISTINCT FROM f.bucket AND v.segment IS NOT DISTINCT FROM f.segment AND v.bucket_seconds IS NOT DISTINCT FROM f.bucket_seconds
    LEFT JOIN e ON e.bucket IS NOT DISTINCT FROM f.bucket AND e.segment IS NOT DISTINCT FROM f.segment AND e.bucket_seconds IS NOT DISTINCT FROM f.bucket_seconds
    ORDER BY f.bucket, f.segment, f.bucket_seconds`;
}

export interface FootfallRow {
  /** Local wall clock "YYYY-MM-DD HH:MM:SS" of the bucket start; null when the segment's start is unknown. */
  bucket: string | null;
  /** Only when `bucket` is null: the segment, and the bucket start in seconds from its video start. */
  segment: string | null;
  bucket_seconds: number | null;
  covered_seconds: number;
  visitors: number;
  line_in: number;
  line_out: number;
}

export function footfall(a: Analytics, bucket: Bucket = "hour", w: Window = {}): Promise<FootfallRow[]> {
  return query<FootfallRow>(a, footfallSql(sql.string(bucketInterval(bucket)), windowWhere(w)));
}

export interface InViewRow { segment: string; frame: number; t_seconds: number; ts: Date | null; people: number; customers: number }

/** People in view per analysed frame (everyone, and customers only), frames with nobody included. */
export function peopleInView(a: Analytics, w: Window = {}): Promise<InViewRow[]> {
  return query<InViewRow>(a, `SELECT segment, frame, t_seconds, ts, people, customers FROM people_in_view WHERE ${windowWhere(w)} ORDER BY segment, frame`);
}

export interface CountEstimate {
  /** Every segment in the window with people counts is calibrated (else there are no intervals). */
  calibrated: boolean;
  /** Analysed frames in the window. */
  frames: number;
  /** People in view on average over the window's frames (the calibrated estimate), with its interval. */
  meanInView: WindowCount;
  /** Person-seconds in view (mean x footage seconds), with its interval. */
  personSeconds: WindowCount;
}

/**
 * The window's people count from counts.parquet, with an interval from the calibration's held-out
 * residuals (loaders/count/uncertainty.ts). Without a calibration the interval is NaN: there is no
 * honest error estimate, only the detector's count. Segments of one camera share one calibration;
 * if they differ, the widest residual spread is used.
 */
export async function countEstimate(a: Analytics, w: Window = {}, level = 0.9): Promise<CountEstimate | null> {
  const rows = await query<{ segment: string; estimate: number; dt_seconds: number }>(a,
    `SELECT segment, estimate::DOUBLE AS estimate, dt_seconds FROM counts WHERE ${windowWhere(w)} ORDER BY segment, frame`);
  if (rows.length === 0) return null;
  const inWindow = new Set(rows.map((r) => r.segment));
  const segs = a.segments.filter((s) => inWindow.has(s.segment));
  const calibrated = segs.every((s) => s.counting?.calibrated && s.counting.residuals);
  const residuals = calibrated
    ? segs.map((s) => s.counting!.residuals!).reduce((x, y) => (y.sd > x.sd ? y : x))
    : { n: 1, mean: 0, sd: NaN, mae: NaN, rmse: NaN };
  const frameSeconds = rows.reduce((t, r) => t + r.dt_seconds, 0) / rows.length;
  const smoothSeconds = Math.max(...segs.map((s) => s.counting?.smoothSeconds ?? 0));
  const estimates = rows.map((r) => r.estimate);
  const o = { residuals, frameSeconds, smoothSeconds, level };
  const mean = windowCountInterval(estimates, o);
  const sum = windowCountInterval(estimates, { ...o, kind: "sum" });
  const scale = (c: WindowCount): WindowCount => ({ ...c, value: c.value * frameSeconds, lo: c.lo * frameSeconds, hi: c.hi * frameSeconds, sd: c.sd * frameSeconds });
  return { calibrated, frames: rows.length, meanInView: mean, personSeconds: scale(sum) };
}

export interface ZoneRow {
  zone: string;
  kind: string;
  visits: number;
  visitors: number;
  total_dwell_seconds: number;
  mean_dwell_seconds: number | null;
  median_dwell_seconds: number | null;
  /** Display zones only (else null): visits of at least stopperSeconds, and shorter ones. */
  stoppers: number | null;
  passers_by: number | null;
}

/** Per configured zone (also those nobody visited), customers' visits starting in the window. */
export function zoneSummary(a: Analytics, w: Window = {}): Promise<ZoneRow[]> {
  return query<ZoneRow>(a, `
    WITH v AS (SELECT * FROM zone_visits WHERE NOT staff AND ${windowWhere(w)})
    SELECT z.zone, z.kind, count(v.uid)::INTEGER AS visits, count(DISTINCT v.uid)::INTEGER AS visitors,
      coalesce(sum(v.dwell_seconds), 0)::DOUBLE AS total_dwell_seconds,
      avg(v.dwell_seconds)::DOUBLE AS mean_dwell_seconds, median(v.dwell_seconds)::DOUBLE AS median_dwell_seconds,
      CASE WHEN z.kind = 'display' THEN (count(v.uid) FILTER (v.stopper))::INTEGER END AS stoppers,
      CASE WHEN z.kind = 'display' THEN (count(v.uid) FILTER (NOT v.stopper))::INTEGER END AS passers_by
    FROM zones z LEFT JOIN v USING (zone) GROUP BY z.zone, z.kind ORDER BY min(z.rowid)`);
}

export interface OccupancyRow {
  zone: string;
  segment: string;
  /** Bucket start in seconds from the segment's video start, and its wall-clock instant (null when the start is unknown). */
  bucket_seconds: number;
  ts: Date | null;
  /** Customers in the zone: mean over the bucket's analysed frames, and the most in one frame. */
  mean_customers: number;
  peak_customers: number;
}

/** Occupancy over time: customers in each zone per `bucketSeconds` of footage (default 1 s) in the window. */
export function zoneOccupancy(a: Analytics, bucketSeconds = 1, w: Window = {}): Promise<OccupancyRow[]> {
  if (!(bucketSeconds > 0)) throw new UserError(`occupancy bucket must be > 0 seconds (got ${bucketSeconds})`);
  const b = Number(bucketSeconds);
  return query<OccupancyRow>(a, `
    SELECT zone, segment, (floor(t_seconds / ${b}) * ${b})::DOUBLE AS bucket_seconds, min(ts) AS ts,
      avg(customers)::DOUBLE AS mean_customers, max(customers)::INTEGER AS peak_customers
    FROM zone_occupancy WHERE ${windowWhere(w)}
    GROUP BY zone, segment, floor(t_seconds / ${b}) ORDER BY segment, bucket_seconds, zone`);
}

export interface LineRow { line: string; in: number; out: number; net: number }

/** Per configured line, customers' crossings in the window. */
export function lineCounts(a: Analytics, w: Window = {}): Promise<LineRow[]> {
  return query<LineRow>(a, `
    WITH e AS (SELECT * FROM events WHERE NOT staff AND ${windowWhere(w)})
    SELECT l.line, (count(e.uid) FILTER (e.direction = 'in'))::INTEGER AS "in", (count(e.uid) FILTER (e.direction = 'out'))::INTEGER AS out,
      "in" - out AS net
    FROM lines l LEFT JOIN e USING (line) GROUP BY l.line ORDER BY min(l.rowid)`);
}

/** Seconds customers' foot points spent in each cell, and that per customer in the window. */
function dwellGridSql(cell: string, where: string): string {
  return `
    WITH t AS (SELECT * FROM customer_tracks WHERE ${where})
    SELECT CAST(floor(foot_x / ${cell}) AS INTEGER) AS cx, CAST(floor(foot_y / ${cell}) AS INTEGER) AS cy,
      sum(dt_seconds) AS seconds, count(DISTINCT uid)::INTEGER AS visitors,
      sum(dt_seconds) / (SELECT count(DISTINCT uid) FROM t) AS seconds_per_visitor
    FROM t GROUP BY ALL ORDER BY cy, cx`;
}

export interface DwellGrid {
  cellPx: number;
  cols: number;
  rows: number;
  /** Row-major cols x rows: seconds of customer presence per cell, and that divided by `visitors`. */
  seconds: Float64Array;
  perVisitor: Float64Array;
  visitors: number;
  /** Total customer time in view (hours): the denominator for "per visitor-hour" maps. */
  visitorHours: number;
}

export async function dwellGrid(a: Analytics, cellPx: number, w: Window = {}): Promise<DwellGrid> {
  if (!(cellPx > 0)) throw new UserError(`dwell grid cell size must be > 0 pixels (got ${cellPx})`);
  const width = Math.max(...a.segments.map((s) => s.width));
  const height = Math.max(...a.segments.map((s) => s.height));
  const cols = Math.ceil(width / cellPx);
  const rows = Math.ceil(height / cellPx);
  const cells = await query<{ cx: number; cy: number; seconds: number }>(a, dwellGridSql(String(cellPx), windowWhere(w)));
  const [{ visitors, seconds }] = await query<{ visitors: number; seconds: number }>(a,
    `SELECT count(DISTINCT uid)::INTEGER AS visitors, coalesce(sum(dt_seconds), 0)::DOUBLE AS seconds FROM customer_tracks WHERE ${windowWhere(w)}`);
  const grid: DwellGrid = { cellPx, cols, rows, seconds: new Float64Array(cols * rows), perVisitor: new Float64Array(cols * rows), visitors, visitorHours: seconds / 3600 };
  for (const c of cells) {
    // feet below the frame edge (boxes may overhang) go to the border cells
    const i = Math.min(rows - 1, Math.max(0, c.cy)) * cols + Math.min(cols - 1, Math.max(0, c.cx));
    grid.seconds[i] += c.seconds;
  }
  for (let i = 0; i < grid.seconds.length; i++) grid.perVisitor[i] = visitors ? grid.seconds[i] / visitors : 0;
  return grid;
}

/** Size of a grid of cells over the picture, row-major. */
export interface GridShape { cols: number; rows: number; cellPx: number }

/**
 * Iso-dwell outlines of a grid (d3-contour) as GeoJSON MultiPolygons in source pixels, one per
 * threshold, e.g. dwellContours(grid, [1, 5, 20]) for seconds per visitor. `values` defaults to
 * the grid's `perVisitor`; pass any other field of the same shape (a difference map, `seconds`).
 */
export function dwellContours(grid: GridShape & { perVisitor?: ArrayLike<number> }, thresholds: number[], values = grid.perVisitor) {
  if (!values || values.length !== grid.cols * grid.rows) throw new Error(`dwellContours: needs ${grid.cols * grid.rows} values`);
  const k = grid.cellPx;
  return contours()
    .size([grid.cols, grid.rows])
    .thresholds(thresholds)(Array.from(values))
    .map((p) => ({ ...p, coordinates: p.coordinates.map((poly) => poly.map((ring) => ring.map(([x, y]) => [x * k, y * k]))) }));
}
