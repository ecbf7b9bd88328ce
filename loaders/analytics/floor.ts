// The picture on the store's floor plan: customers' foot points mapped through the camera's
// homography (camera.json `floor`, loaders/geometry/homography.ts) to metres on the plan, so
// several cameras share one map. From them: dwell per floor cell (person-seconds), walking speed
// per person in m/s, and zone areas in m².
//
// Walking speed: a person's speed is the median of their steps (one analysed frame to the next)
// of at least MOVING m/s, so standing at a window or shuffling up a queue does not count. Measured
// on rendered footage with known speeds (1.3 m/s on average, test/store-truth.test.ts): raw steps
// give the truth within a few percent; averaging positions over 3 or 5 frames first blurs every
// stop into slow steps (0.95-1.03 m/s on the true boxes), so the steps are taken as they are: a
// foot point's jitter of a few pixels is a few centimetres, well under MOVING.
import { floorHomography, type CameraConfig } from "../config/camera.ts";
import { applyHomography, polygonArea, type Mat3, type Pt } from "../geometry/homography.ts";
import { query } from "../store/duckdb.ts";
import { windowWhere, type Window } from "./queries.ts";
import type { Analytics } from "./views.ts";

/** Step speeds below this (m/s) are standing or shuffling, not walking. */
export const MOVING = 0.5;

/** Floor metres of a video point as a SQL expression pair (NULL beyond the horizon). */
function mapSql(H: Mat3, x: string, y: string): [string, string] {
  const w = `(${H[6]} * ${x} + ${H[7]} * ${y} + ${H[8]})`;
  const guard = (e: string) => `CASE WHEN ${w} > 1e-12 THEN (${e}) / ${w} END`;
  return [guard(`${H[0]} * ${x} + ${H[1]} * ${y} + ${H[2]}`), guard(`${H[3]} * ${x} + ${H[4]} * ${y} + ${H[5]}`)];
}

/** Creates (once) the view floor_tracks: customer_tracks with floor_x, floor_y in metres (NULL without a floor block). */
export async function ensureFloorTracks(a: Analytics): Promise<boolean> {
  const exists = await query(a, `SELECT 1 FROM duckdb_views() WHERE view_name = 'floor_tracks'`);
  const fit = floorHomography(a.config);
  if (!exists.length) {
    const [fx, fy] = fit ? mapSql(fit.H, "foot_x", "foot_y") : ["NULL::DOUBLE", "NULL::DOUBLE"];
    await a.conn.run(`CREATE VIEW floor_tracks AS SELECT *, ${fx} AS floor_x, ${fy} AS floor_y FROM customer_tracks`);
  }
  return fit !== null;
}

export interface FloorCell { cx: number; cy: number; seconds: number }

/** Customers' person-seconds per floor cell of `cellMetres` (cells from the plan's top-left corner). */
export async function floorDwell(a: Analytics, cellMetres: number, w: Window = {}): Promise<FloorCell[]> {
  if (!(await ensureFloorTracks(a))) return [];
  return query<FloorCell>(a, `
    SELECT floor(floor_x / ${cellMetres})::INTEGER AS cx, floor(floor_y / ${cellMetres})::INTEGER AS cy, sum(dt_seconds)::DOUBLE AS seconds
    FROM floor_tracks WHERE floor_x IS NOT NULL AND ${windowWhere(w)} GROUP BY ALL ORDER BY cy, cx`);
}

export interface WalkingSpeed { uid: string; segment: string; t_seconds: number; speed: number | null }

/** Each customer first seen in the window: their walking speed (m/s; null when they never walked in view or the camera has no floor block). */
export async function walkingSpeeds(a: Analytics, w: Window = {}): Promise<WalkingSpeed[]> {
  const mapped = await ensureFloorTracks(a);
  return query<WalkingSpeed>(a, `
    WITH p AS (SELECT uid, frame, t_seconds, floor_x, floor_y FROM floor_tracks WHERE floor_x IS NOT NULL),
    d AS (SELECT uid, sqrt((floor_x - lag(floor_x) OVER k) ** 2 + (floor_y - lag(floor_y) OVER k) ** 2) / (t_seconds - lag(t_seconds) OVER k) AS v FROM p
      WINDOW k AS (PARTITION BY uid ORDER BY frame)),
    per AS (SELECT uid, median(v) FILTER (v >= ${MOVING}) AS speed FROM d GROUP BY uid)
    SELECT v.uid, v.segment, v.t_seconds, ${mapped ? "per.speed" : "NULL"}::DOUBLE AS speed
    FROM (SELECT * FROM visitors WHERE NOT staff AND ${windowWhere(w)}) v LEFT JOIN per USING (uid)
    ORDER BY v.segment, v.t_seconds, v.uid`);
}

export interface FloorZone { zone: string; kind: string; polygon: [number, number][]; areaM2: number }

/** The camera's zones on the floor plan (metres) with their areas; [] without a floor block, or for a zone reaching past the horizon. */
export function floorZones(config: CameraConfig): FloorZone[] {
  const fit = floorHomography(config);
  if (!fit) return [];
  return config.zones.flatMap((z) => {
    const polygon = z.polygon.map(([x, y]) => applyHomography(fit.H, x, y));
    if (polygon.some((p) => p === null)) return [];
    const pts = polygon as [number, number][];
    return [{ zone: z.name, kind: z.kind, polygon: pts, areaM2: polygonArea(pts as Pt[]) }];
  });
}
