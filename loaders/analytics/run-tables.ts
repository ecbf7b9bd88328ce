// The analytics tables a run keeps beside its Parquet files: events.parquet (line crossings) and
// zone_visits.parquet, computed once by the engine so readers without it (CSV export, other
// tools) see the same events the pages and `smw report` do.
import { renameSync } from "node:fs";
import { join } from "node:path";
import type { CameraConfig } from "../config/camera.ts";
import { readRun, runStart } from "../run/read.ts";
import { query, sql } from "../store/duckdb.ts";
import { openAnalytics } from "./views.ts";

/**
 * The id of an event within its run, also its snapshot's file name: kind, frame, track and the
 * line or zone's name made file-safe ("cross-120-4-walkway", "zone-88-2-left-window").
 */
export function eventIdSql(kind: "cross" | "zone", frame: string, name: string): string {
  return `'${kind}-' || ${frame} || '-' || track_id || '-' || trim(regexp_replace(lower(${name}), '[^a-z0-9]+', '-', 'g'), '-')`;
}

/**
 * Writes `events.parquet` and `zone_visits.parquet` into a run directory (under a temporary name,
 * then renamed). Times are seconds from the video start; `staff` flags people the config's staff
 * rules exclude; `event_id` names each row (and its snapshot, snapshots.ts); `class` is the
 * tracked class. Returns the row counts.
 */
export async function writeRunAnalytics(runDir: string, config: CameraConfig): Promise<{ events: number; zoneVisits: number }> {
  const a = await openAnalytics({ runs: [{ dir: runDir, start: runStart(readRun(runDir, { tracks: true }), config) }], config });
  try {
    const out = async (name: string, select: string) => {
      const file = join(runDir, `${name}.parquet`);
      await a.conn.run(`COPY (${select}) TO ${sql.string(`${file}.tmp`)} (FORMAT parquet)`);
      renameSync(`${file}.tmp`, file);
      const [{ n }] = await query<{ n: number }>(a, `SELECT count(*)::INTEGER AS n FROM (${select})`);
      return n;
    };
    return {
      events: await out("events", `SELECT ${eventIdSql("cross", "frame", "line")} AS event_id, track_id, class, frame, t_seconds, ts, line, direction, staff
        FROM events ORDER BY t_seconds, track_id`),
      zoneVisits: await out("zone_visits", `SELECT ${eventIdSql("zone", "enter_frame", "zone")} AS event_id, * EXCLUDE (enter_frame) FROM (
        SELECT v.track_id, v.class, v.zone, v.kind, v.enter_t, v.exit_t, v.dwell_seconds, v.stopper, v.staff,
          (SELECT min(t.frame) FROM tracks t WHERE t.segment = v.segment AND t.track_id = v.track_id AND t.t_seconds >= v.enter_t - 1e-6) AS enter_frame
        FROM zone_visits v) ORDER BY enter_t, track_id`),
    };
  } finally {
    a.close();
  }
}
