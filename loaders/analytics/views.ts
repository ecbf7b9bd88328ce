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
// dwell_grid(cell_px). The metric functions (metrics.ts) apply a window before aggregating; the
// SQL they share with the views is in queries.ts.
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { parseCameraConfig, type CameraConfig } from "../config/camera.ts";
import type { ResidualStats } from "../count/model.ts";
import { UserError } from "../errors.ts";
import { frameSeconds } from "../run/contract.ts";
import { readRun, runDirsMatching, runStart } from "../run/read.ts";
import { openDuckDb, query, sql, type DuckSession } from "../store/duckdb.ts";
import { pointInPolygon, type FootPath } from "./geometry.ts";
import { lineCrossings } from "./line-crossings.ts";
import { clockColumns, daypartMacro, dwellGridSql, footfallSql } from "./queries.ts";
import { zonePresence, zoneVisits } from "./zones.ts";

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

/** The engine over a set of segments: a DuckDB session holding the views below. */
export interface Analytics extends DuckSession {
  config: CameraConfig;
  segments: Segment[];
}

// ---- opening ----

export interface AnalyticsSources {
  /** Run directories (each with run.json and tracks.parquet), with their wall-clock starts. */
  runs?: RunSource[];
  /**
   * tracks.parquet files, their run directories, or globs of either, e.g. a segments dataset
   * `data/segments/camera=front/date=*\/*\/tracks.parquet`. Each match's run.json gives its start
   * (`runStart`); name collisions between segments get a -2, -3 suffix.
   */
  tracks?: string[];
  config?: CameraConfig;
}

export async function openAnalytics(options: AnalyticsSources): Promise<Analytics> {
  const config = options.config ?? parseCameraConfig({ camera: "camera" });
  const matched = options.tracks ? await runDirsMatching(options.tracks) : [];
  const runs: RunSource[] = [...(options.runs ?? []), ...matched.map((dir) => ({ dir, start: runStart(readRun(dir, { tracks: true }), config) }))];
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

  const a: Analytics = { ...(await openDuckDb()), config, segments };
  const { conn } = a;
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
    // Runs made before tracks carried `in_region` count every row as in the region; before they
    // carried `class`, they tracked people only.
    const parts: string[] = [];
    for (const s of segments) {
      const file = sql.string(join(s.dir, "tracks.parquet"));
      const cols = (await query<{ column_name: string }>(a, `DESCRIBE SELECT * FROM read_parquet(${file})`)).map((c) => c.column_name);
      parts.push(`SELECT ${sql.string(s.segment)} AS segment, frame, t_seconds, track_id, x1, y1, x2, y2, score, interpolated,
        ${cols.includes("in_region") ? "in_region" : "true AS in_region"}, ${cols.includes("class") ? "class" : "'person' AS class"} FROM read_parquet(${file})`);
    }
    const union = parts.join(" UNION ALL ");
    await conn.run(`CREATE VIEW _tracks AS SELECT r.*, r.segment || '/' || r.track_id AS uid, s.start, s.dt AS dt_seconds
      FROM (${union}) r JOIN segments s USING (segment)`);
    await conn.run(`CREATE VIEW _track_class AS SELECT segment, track_id, any_value(class) AS class FROM _tracks GROUP BY ALL`);

    // People counts per analysed frame (runs made before counts.parquet existed have none).
    const counted = segments.filter((s) => s.counting);
    const countsUnion = counted.length
      ? counted.map((s) => `SELECT ${sql.string(s.segment)} AS segment, frame, t_seconds, boxes, estimate FROM read_parquet(${sql.string(join(s.dir, "counts.parquet"))})`).join(" UNION ALL ")
      : `SELECT NULL::VARCHAR AS segment, NULL::INTEGER AS frame, NULL::DOUBLE AS t_seconds, NULL::INTEGER AS boxes, NULL::FLOAT AS estimate WHERE false`;
    await conn.run(`CREATE VIEW _counts AS SELECT c.*, s.start, s.dt AS dt_seconds FROM (${countsUnion}) c JOIN segments s USING (segment)`);

    // The boxes each frame's people count is made of (detections.parquet, `counted`): presence
    // that needs no identities, for dwell maps and zone occupancy where tracks break.
    const withBoxes = segments.filter((s) => existsSync(join(s.dir, "detections.parquet")));
    const boxesUnion = withBoxes.length
      ? withBoxes.map((s) => `SELECT ${sql.string(s.segment)} AS segment, frame, t_seconds, (x1 + x2) / 2 AS foot_x, y2 AS foot_y
          FROM read_parquet(${sql.string(join(s.dir, "detections.parquet"))}) WHERE counted`).join(" UNION ALL ")
      : `SELECT NULL::VARCHAR AS segment, NULL::INTEGER AS frame, NULL::DOUBLE AS t_seconds, NULL::DOUBLE AS foot_x, NULL::DOUBLE AS foot_y WHERE false`;
    await conn.run(`CREATE VIEW _counted_boxes AS SELECT b.*, s.start, s.dt AS dt_seconds FROM (${boxesUnion}) b JOIN segments s USING (segment)`);

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
  await conn.run(`CREATE TABLE _zone_presence (segment VARCHAR, frame INTEGER, t_seconds DOUBLE, zone VARCHAR, boxes INTEGER)`);
  if (config.lines.length === 0 && config.zones.length === 0) return;
  const events = await conn.createAppender("_events");
  const visits = await conn.createAppender("_zone_visits");
  const born = await conn.createAppender("_born_in");
  const presence = await conn.createAppender("_zone_presence");
  for (const s of a.segments) {
    if (config.zones.length) {
      const boxes = (await conn.runAndReadAll(`SELECT frame, t_seconds, foot_x, foot_y FROM _counted_boxes
        WHERE segment = ${sql.string(s.segment)} ORDER BY frame`)).getColumnsJS() as number[][];
      for (const row of zonePresence(boxes, config.zones)) {
        presence.appendVarchar(s.segment); presence.appendInteger(row.frame); presence.appendDouble(row.t);
        presence.appendVarchar(row.zone); presence.appendInteger(row.boxes);
        presence.endRow();
      }
    }
    const cols = (await conn.runAndReadAll(`SELECT track_id, frame, t_seconds, (x1 + x2) / 2 AS x, y2 AS y FROM _tracks
      WHERE segment = ${sql.string(s.segment)} ORDER BY track_id, frame`)).getColumnsJS() as number[][];
    if (!cols.length) continue; // nobody tracked in this segment (DuckDB gives no columns for no rows)
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
  for (const app of [events, visits, born, presence]) app.closeSync();
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
      SELECT segment, frame, t_seconds, track_id, uid, class, x1, y1, x2, y2, score, interpolated, in_region,
        (x1 + x2) / 2 AS foot_x, y2 AS foot_y, dt_seconds,
        uid IN (SELECT uid FROM staff_uids) AS staff,
        ${clockColumns(config, "t_seconds")}
      FROM _tracks`],
    ["customer_tracks", `SELECT * FROM tracks WHERE NOT staff`],
    // One row per person: when first seen (window columns) and how long in view.
    ["visitors", `
      SELECT uid, segment, track_id, class, staff, t_seconds, last_t, seconds_in_view, ${clockColumns(config, "t_seconds")} FROM (
        SELECT uid, segment, track_id, any_value(class) AS class, any_value(staff) AS staff, any_value(start) AS start, min(t_seconds) AS t_seconds,
          max(t_seconds) AS last_t, max(t_seconds) - min(t_seconds) + any_value(dt_seconds) AS seconds_in_view
        FROM (SELECT t.*, s.start FROM tracks t JOIN segments s USING (segment)) GROUP BY ALL)`],
    // Every analysed frame, also those with nobody in view.
    ["frames", `
      SELECT segment, frame, t_seconds, dt AS dt_seconds, ${clockColumns(config, "t_seconds")} FROM (
        SELECT segment, start, dt, k * stride AS frame, k * stride / fps AS t_seconds
        FROM (SELECT *, unnest(range(frames_analysed)) AS k FROM segments))`],
    ["people_in_view", `
      SELECT f.*, coalesce(c.people, 0) AS people, coalesce(c.customers, 0) AS customers, coalesce(c.in_region, 0) AS people_in_region
      FROM frames f LEFT JOIN (
        SELECT segment, frame, count(*)::INTEGER AS people, (count(*) FILTER (NOT staff))::INTEGER AS customers,
          (count(*) FILTER (in_region))::INTEGER AS in_region FROM tracks GROUP BY ALL
      ) c USING (segment, frame)`],
    ["events", `
      SELECT e.segment, e.track_id, e.segment || '/' || e.track_id AS uid, c.class, e.frame, e.t_seconds, e.line, e.direction,
        e.segment || '/' || e.track_id IN (SELECT uid FROM staff_uids) AS staff, ${clockColumns(config, "e.t_seconds")}
      FROM _events e JOIN segments USING (segment) LEFT JOIN _track_class c USING (segment, track_id)`],
    ["zone_visits", `
      SELECT v.segment, v.track_id, v.segment || '/' || v.track_id AS uid, c.class, v.zone, v.kind, v.enter_t, v.exit_t, v.dwell_seconds,
        v.dwell_seconds >= ${config.stopperSeconds} AS stopper,
        v.segment || '/' || v.track_id IN (SELECT uid FROM staff_uids) AS staff,
        v.enter_t AS t_seconds, ${clockColumns(config, "v.enter_t")}
      FROM _zone_visits v JOIN segments USING (segment) LEFT JOIN _track_class c USING (segment, track_id)`],
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
    // Counted boxes (foot points) per analysed frame, and how many stood in each zone: presence
    // from detections, for when tracks are too broken to follow people.
    ["counted_boxes", `SELECT segment, frame, t_seconds, dt_seconds, foot_x, foot_y, ${clockColumns(config, "t_seconds")} FROM _counted_boxes`],
    ["zone_presence", `SELECT p.segment, p.frame, p.t_seconds, s.dt AS dt_seconds, p.zone, p.boxes, ${clockColumns(config, "p.t_seconds")}
      FROM _zone_presence p JOIN segments s USING (segment)`],
  );
  for (const [name, body] of views) await conn.run(`CREATE VIEW ${name} AS ${body}`);
  await conn.run(`CREATE MACRO footfall(bucket_width) AS TABLE ${footfallSql("bucket_width", "true")}`);
  await conn.run(`CREATE MACRO dwell_grid(cell_px) AS TABLE ${dwellGridSql("cell_px", "true")}`);
  // The two bucket widths pages ask for most; other widths and windows: footfall('15 minutes') or footfall().
  await conn.run(`CREATE VIEW footfall_minute AS SELECT * FROM footfall('1 minute')`);
  await conn.run(`CREATE VIEW footfall_hour AS SELECT * FROM footfall('1 hour')`);
}
