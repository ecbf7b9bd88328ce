// The metrics: each a query over the engine's views (views.ts) for a window of time, customers
// only (the config's staff rules leave people out), in the shapes `smw report`, the CSV export
// and the pages use.
import { contours } from "d3-contour";
import type { ResidualStats } from "../count/model.ts";
import { windowCountInterval, type WindowCount } from "../count/uncertainty.ts";
import { UserError } from "../errors.ts";
import { query, sql } from "../store/duckdb.ts";
import { bucketInterval, dwellGridSql, footfallSql, windowWhere, type Bucket, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

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
