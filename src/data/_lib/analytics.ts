// The one seam between the pages' loaders and the analytics: camera config (lines, zones, start
// time), line crossings and zone visits for a run, in the plain columnar shape the pages read.
//
// The analytics proper (loaders/analytics/*.ts, loaders/config/camera.ts) are written in
// parallel. Until they exist this file computes the same things with a small interim
// implementation (foot point in polygon, foot path across segment) so the site works end to end;
// when they land, only this file changes.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { REPO_ROOT, type Run } from "./run.ts";

export interface Line {
  id: string;
  name: string;
  /** Segment end points in source-video pixels. */
  a: [number, number];
  b: [number, number];
}

export interface Zone {
  id: string;
  name: string;
  /** Polygon in source-video pixels. */
  polygon: [number, number][];
  /** "display" zones also count impressions. */
  kind: "zone" | "display";
}

export interface CameraConfig {
  name: string;
  /** Wall-clock time of the video's first frame, local time without zone ("2024-05-18T11:00:00"). */
  startTime: string | null;
  lines: Line[];
  zones: Zone[];
  /** A visit to a display zone of at least this long counts as an impression. */
  impressionSeconds: number;
  /** Where the config came from (a path), or "none". */
  source: string;
}

/** Everything the pages need beyond the raw points, columnar. Times are seconds from the video start. */
export interface RunAnalytics {
  config: CameraConfig;
  /** "loaders/analytics" once the analytics modules exist, else "interim". */
  engine: string;
  crossings: { line: Uint16Array; track: Int32Array; t: Float32Array; dir: Int8Array };
  visits: { zone: Uint16Array; track: Int32Array; enter: Float32Array; exit: Float32Array };
}

const EMPTY_CONFIG: Omit<CameraConfig, "source"> = { name: "", startTime: null, lines: [], zones: [], impressionSeconds: 2 };

/**
 * The camera config of a run: `camera.json` in the run directory, else $SMW_CAMERA, else (for
 * the bundled demo run only) data/camera.example.json.
 */
export function cameraConfigPath(run: Run): string | undefined {
  const candidates = [join(run.dir, "camera.json")];
  if (process.env.SMW_CAMERA) candidates.push(resolve(REPO_ROOT, process.env.SMW_CAMERA));
  if (resolve(run.dir) === resolve(REPO_ROOT, "data/runs/demo")) candidates.push(join(REPO_ROOT, "data/camera.example.json"));
  return candidates.find((p) => existsSync(p));
}

/** Accepts a few spellings of the same thing, so a config written by hand is not rejected for style. */
export function normaliseConfig(raw: any, source: string): CameraConfig {
  const point = (p: any): [number, number] => (Array.isArray(p) ? [+p[0], +p[1]] : [+p.x, +p.y]);
  const lines: Line[] = (raw.lines ?? []).map((l: any, i: number) => {
    const pts = l.points ?? [l.a ?? l.from ?? l.start, l.b ?? l.to ?? l.end];
    return { id: String(l.id ?? l.name ?? `line${i + 1}`), name: String(l.name ?? l.id ?? `Line ${i + 1}`), a: point(pts[0]), b: point(pts[1]) };
  });
  const zones: Zone[] = (raw.zones ?? []).map((z: any, i: number) => ({
    id: String(z.id ?? z.name ?? `zone${i + 1}`),
    name: String(z.name ?? z.id ?? `Zone ${i + 1}`),
    polygon: (z.polygon ?? z.points).map(point),
    kind: z.kind === "display" || z.type === "display" || z.display === true ? "display" : "zone",
  }));
  return {
    name: String(raw.name ?? raw.camera ?? ""),
    startTime: raw.startTime ?? raw.start_time ?? raw.start ?? null,
    lines,
    zones,
    impressionSeconds: Number(raw.impressionSeconds ?? raw.impression_seconds ?? raw.impressions?.minSeconds ?? 2),
    source,
  };
}

/**
 * Used for the bundled demo run only while data/camera.example.json does not exist yet: two zones
 * in front of the jeweller's window and door, the walkway, and a counting line across it.
 */
const INTERIM_DEMO_CONFIG = {
  name: "TUD-Stadtmitte (demo)",
  startTime: "2024-05-18T11:00:00",
  impressionSeconds: 1,
  lines: [{ id: "walkway", name: "Walkway", a: [330, 200], b: [330, 400] }],
  zones: [
    { id: "window", name: "Jeweller's window", kind: "display", polygon: [[345, 205], [500, 205], [520, 262], [340, 262]] },
    { id: "door", name: "Doorway", polygon: [[265, 208], [345, 205], [340, 262], [250, 262]] },
    { id: "walkway", name: "Walkway", polygon: [[0, 262], [640, 262], [640, 345], [0, 345]] },
  ],
};

export function readCameraConfig(run: Run): CameraConfig {
  const path = cameraConfigPath(run);
  if (!path) {
    if (resolve(run.dir) === resolve(REPO_ROOT, "data/runs/demo")) return normaliseConfig(INTERIM_DEMO_CONFIG, "built-in demo config (interim)");
    return { ...EMPTY_CONFIG, source: "none" };
  }
  return normaliseConfig(JSON.parse(readFileSync(path, "utf8")), path.startsWith(REPO_ROOT) ? path.slice(REPO_ROOT.length + 1) : path);
}

/** Foot point (bottom centre of the box), 5-point moving average per track, ordered by track then time. */
export async function footPoints(run: Run): Promise<{ track: Int32Array; t: Float32Array; x: Float32Array; y: Float32Array }> {
  const cols = await run.columns(`
    SELECT track_id AS track, t_seconds AS t,
      avg((x1 + x2) / 2) OVER w AS x, avg(y2) OVER w AS y
    FROM tracks
    WINDOW w AS (PARTITION BY track_id ORDER BY frame ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)
    ORDER BY track_id, frame`);
  return {
    track: Int32Array.from(cols.track as number[]),
    t: Float32Array.from(cols.t as number[]),
    x: Float32Array.from(cols.x as number[]),
    y: Float32Array.from(cols.y as number[]),
  };
}

export async function runAnalytics(run: Run): Promise<RunAnalytics> {
  const config = readCameraConfig(run);
  const foot = await footPoints(run);
  return { config, engine: "interim", ...interimEvents(config, foot, run.info.options.stride / run.info.video.fps) };
}

// ---- interim implementation (replaced by loaders/analytics when it lands) ----

function insidePolygon(x: number, y: number, poly: [number, number][]): boolean {
  let inside = false;
  for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
    const [xi, yi] = poly[i];
    const [xj, yj] = poly[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Which side of a->b the point is on: > 0 right of it as seen in the picture (y down). */
const side = (l: Line, x: number, y: number) => (l.b[0] - l.a[0]) * (y - l.a[1]) - (l.b[1] - l.a[1]) * (x - l.a[0]);

function interimEvents(
  config: CameraConfig,
  foot: { track: Int32Array; t: Float32Array; x: Float32Array; y: Float32Array },
  dt: number,
): Pick<RunAnalytics, "crossings" | "visits"> {
  const { track, t, x, y } = foot;
  const n = t.length;
  const cl: number[] = [], ct: number[] = [], ctt: number[] = [], cd: number[] = [];
  const vz: number[] = [], vt: number[] = [], ve: number[] = [], vx: number[] = [];
  const GAP = 0.5; // seconds outside a zone that still count as one visit
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && track[end] === track[start]) end++;
    // crossings: the foot path's segment crosses the line segment
    config.lines.forEach((l, li) => {
      for (let i = start + 1; i < end; i++) {
        const s0 = side(l, x[i - 1], y[i - 1]);
        const s1 = side(l, x[i], y[i]);
        if (s0 === 0 || s0 > 0 === s1 > 0) continue;
        // the line must be crossed within its segment: a, b on opposite sides of the step
        const u0 = (x[i] - x[i - 1]) * (l.a[1] - y[i - 1]) - (y[i] - y[i - 1]) * (l.a[0] - x[i - 1]);
        const u1 = (x[i] - x[i - 1]) * (l.b[1] - y[i - 1]) - (y[i] - y[i - 1]) * (l.b[0] - x[i - 1]);
        if (u0 > 0 === u1 > 0) continue;
        cl.push(li), ct.push(track[i]), ctt.push(t[i]), cd.push(s1 > 0 ? 1 : -1);
      }
    });
    // visits: runs of foot points inside a zone, gaps up to GAP merged
    config.zones.forEach((z, zi) => {
      let enter = -1, last = -1;
      for (let i = start; i < end; i++) {
        if (!insidePolygon(x[i], y[i], z.polygon)) continue;
        if (enter >= 0 && t[i] - last > GAP + dt) {
          vz.push(zi), vt.push(track[i]), ve.push(enter), vx.push(last + dt);
          enter = -1;
        }
        if (enter < 0) enter = t[i];
        last = t[i];
      }
      if (enter >= 0) vz.push(zi), vt.push(track[start]), ve.push(enter), vx.push(last + dt);
    });
    start = end;
  }
  return {
    crossings: { line: Uint16Array.from(cl), track: Int32Array.from(ct), t: Float32Array.from(ctt), dir: Int8Array.from(cd) },
    visits: { zone: Uint16Array.from(vz), track: Int32Array.from(vt), enter: Float32Array.from(ve), exit: Float32Array.from(vx) },
  };
}
