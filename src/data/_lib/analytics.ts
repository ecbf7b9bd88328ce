// The one seam between the pages' loaders and the analytics engine (loaders/analytics,
// loaders/config): which camera config a run uses, the engine opened over a run, and the engine's
// answers in the plain columnar shape the pages read. Staff (as the config defines them) are left
// out of everything here, as the engine's metrics do.
import { existsSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { DEFAULT_DAYPARTS, REST_DAYPART, loadCameraConfig, parseCameraConfig, startFromFileName, type CameraConfig } from "../../../loaders/config/camera.ts";
import type { Window } from "../../../loaders/analytics/queries.ts";
import { openAnalytics, type Analytics } from "../../../loaders/analytics/views.ts";
import { frameSeconds, type RunSummary } from "../../../loaders/run/contract.ts";
import { readRun, runStart } from "../../../loaders/run/read.ts";
import { query } from "../../../loaders/store/duckdb.ts";
import { ensureRunDir, REPO_ROOT, type Which } from "./run.ts";

export type { Analytics, CameraConfig, Window };

/**
 * The camera config of a run: `camera.json` in the run directory, else $SMW_CAMERA, else (for
 * the bundled demo run only) data/camera.example.json. None: lines and zones are empty.
 */
export function cameraConfigPath(runDir: string): string | undefined {
  const candidates = [join(runDir, "camera.json")];
  if (process.env.SMW_CAMERA) candidates.push(resolve(REPO_ROOT, process.env.SMW_CAMERA));
  if (resolve(runDir) === resolve(REPO_ROOT, "data/runs/demo")) candidates.push(join(REPO_ROOT, "data/camera.example.json"));
  return candidates.find((p) => existsSync(p));
}

const relative = (path: string) => (path.startsWith(REPO_ROOT + "/") ? path.slice(REPO_ROOT.length + 1) : path);

export interface RunAnalytics {
  which: Which;
  dir: string;
  info: RunSummary;
  config: CameraConfig;
  /** Where the config came from (a path), or "none". */
  configSource: string;
  /** Local wall-clock time of the first frame ("2024-05-18T11:00:00"), or null when unknown. */
  startLocal: string | null;
  a: Analytics;
  close(): void;
}

/** Opens the analytics engine over one run (one segment). */
export async function openRunAnalytics(which: Which = "a"): Promise<RunAnalytics> {
  const dir = await ensureRunDir(which);
  const info = readRun(dir);
  const path = cameraConfigPath(dir);
  const config = path ? loadCameraConfig(path) : parseCameraConfig({ camera: basename(dir) });
  const a = await openAnalytics({ runs: [{ dir, start: runStart(info, config), segment: basename(dir) }], config });
  return {
    which,
    dir,
    info,
    config,
    configSource: path ? relative(path) : "none",
    startLocal: config.start ?? startFromFileName(info.video.path),
    a,
    close: () => a.close(),
  };
}

/** What the pages need to know about the config: lines, zones, dayparts, thresholds. */
export function pageConfig(r: RunAnalytics) {
  const { config } = r;
  return {
    name: config.camera,
    source: r.configSource,
    timezone: config.timezone,
    impressionSeconds: config.stopperSeconds,
    zoneDebounceSeconds: config.zoneDebounceSeconds,
    dayparts: Object.entries(config.dayparts ?? DEFAULT_DAYPARTS)
      .map(([name, [from, to]]) => ({ name, from, to }))
      .sort((x, y) => x.from - y.from),
    restDaypart: REST_DAYPART,
    lines: config.lines.map((l) => ({ name: l.name, a: l.a, b: l.b, in: l.in })),
    zones: config.zones.map((z) => ({ name: z.name, kind: z.kind, polygon: z.polygon })),
  };
}

/** Customers' foot points (bottom centre of the box), ordered by track then time. */
export async function customerFootPoints(r: RunAnalytics, { smooth = false } = {}) {
  const cols = (await r.a.conn.runAndReadAll(`
    SELECT track_id, t_seconds,
      ${smooth ? "avg(foot_x) OVER w" : "foot_x"} AS x, ${smooth ? "avg(foot_y) OVER w" : "foot_y"} AS y, dt_seconds
    FROM customer_tracks
    ${smooth ? "WINDOW w AS (PARTITION BY track_id ORDER BY frame ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)" : ""}
    ORDER BY track_id, frame`)).getColumnsJS() as number[][];
  return {
    track: Int32Array.from(cols[0]),
    t: Float32Array.from(cols[1]),
    x: Float32Array.from(cols[2]),
    y: Float32Array.from(cols[3]),
    dt: cols[4].length ? Number(cols[4][0]) : frameSeconds(r.info),
  };
}

/** Customers (one row each: first seen, time in view), their line crossings and zone visits, columnar. */
export async function customerEvents(r: RunAnalytics) {
  const lineIndex = new Map(r.config.lines.map((l, i) => [l.name, i]));
  const zoneIndex = new Map(r.config.zones.map((z, i) => [z.name, i]));
  const visitors = await query<{ track_id: number; t_seconds: number; seconds_in_view: number }>(r.a, `
    SELECT track_id, t_seconds, seconds_in_view FROM visitors WHERE NOT staff ORDER BY t_seconds, track_id`);
  const crossings = await query<{ track_id: number; t_seconds: number; line: string; direction: string }>(r.a, `
    SELECT track_id, t_seconds, line, direction FROM events WHERE NOT staff ORDER BY t_seconds, track_id`);
  const visits = await query<{ track_id: number; zone: string; enter_t: number; exit_t: number; stopper: boolean }>(r.a, `
    SELECT track_id, zone, enter_t, exit_t, stopper FROM zone_visits WHERE NOT staff ORDER BY enter_t, track_id`);
  const [{ staff }] = await query<{ staff: number }>(r.a, `SELECT count(*)::INTEGER AS staff FROM staff_uids`);
  return {
    staff,
    tracks: {
      id: Int32Array.from(visitors, (v) => v.track_id),
      start: Float32Array.from(visitors, (v) => v.t_seconds),
      end: Float32Array.from(visitors, (v) => v.t_seconds + v.seconds_in_view),
    },
    crossings: {
      line: Uint16Array.from(crossings, (c) => lineIndex.get(c.line) ?? 0),
      track: Int32Array.from(crossings, (c) => c.track_id),
      t: Float32Array.from(crossings, (c) => c.t_seconds),
      dir: Int8Array.from(crossings, (c) => (c.direction === "in" ? 1 : -1)),
    },
    visits: {
      zone: Uint16Array.from(visits, (v) => zoneIndex.get(v.zone) ?? 0),
      track: Int32Array.from(visits, (v) => v.track_id),
      enter: Float32Array.from(visits, (v) => v.enter_t),
      exit: Float32Array.from(visits, (v) => v.exit_t),
      stopper: Uint8Array.from(visits, (v) => (v.stopper ? 1 : 0)),
    },
  };
}

/** Seconds from the first frame to the last observation (at least the video's duration). */
export async function runDuration(r: RunAnalytics): Promise<number> {
  const [{ last }] = await query<{ last: number }>(r.a, `SELECT coalesce(max(t_seconds), 0)::DOUBLE AS last FROM tracks`);
  return Math.max(r.info.video.duration, last);
}
