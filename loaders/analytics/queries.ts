// The SQL texts the analytics views and metrics share: the window every metric applies (over the
// window columns every view carries), the wall-clock columns that make those windows, and the two
// metrics that are also table macros (footfall(width), dwell_grid(cell_px)), one text for both.
import { REST_DAYPART, type CameraConfig } from "../config/camera.ts";
import { sql } from "../store/duckdb.ts";

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

/** ts and the local-clock window columns for a row whose seconds-from-start expression is `t` (needs a `start` column in scope). */
export function clockColumns(config: CameraConfig, t: string): string {
  return `start + to_microseconds(CAST(round(${t} * 1e6) AS BIGINT)) AS ts,
    timezone(${sql.string(config.timezone)}, ts) AS local_ts,
    CAST(hour(local_ts) AS INTEGER) AS hour,
    _daypart(hour(local_ts)) AS daypart,
    dayofweek(local_ts) IN (0, 6) AS is_weekend`;
}

export function daypartMacro(config: CameraConfig): string {
  const cases = Object.entries(config.dayparts)
    .map(([name, [from, to]]) => `WHEN h >= ${from} AND h < ${to} THEN ${sql.string(name)}`)
    .join(" ");
  return `CREATE MACRO _daypart(h) AS CASE WHEN h IS NULL THEN NULL ${cases} ELSE ${sql.string(REST_DAYPART)} END`;
}

export type Bucket = "minute" | "hour" | "day" | (string & {});
export const bucketInterval = (b: Bucket) => (b === "minute" || b === "hour" || b === "day" ? `1 ${b}` : b);

/**
 * Footfall per time bucket: customers first seen, line ins and outs, and the seconds of footage
 * the bucket holds (buckets without footage are absent; with footage but nobody, zero). Buckets are
 * wall-clock (`bucket`, local time text) when the segment's start is known, else seconds from the
 * segment's start (`segment`, `bucket_seconds`).
 */
export function footfallSql(width: string, where: string): string {
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

/** Seconds customers' foot points spent in each cell, and that per customer in the window. */
export function dwellGridSql(cell: string, where: string): string {
  return `
    WITH t AS (SELECT * FROM customer_tracks WHERE ${where})
    SELECT CAST(floor(foot_x / ${cell}) AS INTEGER) AS cx, CAST(floor(foot_y / ${cell}) AS INTEGER) AS cy,
      sum(dt_seconds) AS seconds, count(DISTINCT uid)::INTEGER AS visitors,
      sum(dt_seconds) / (SELECT count(DISTINCT uid) FROM t) AS seconds_per_visitor
    FROM t GROUP BY ALL ORDER BY cy, cx`;
}
