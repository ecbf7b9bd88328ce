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
 * Writes `events.parquet` and `zone_visits.parquet` into a run directory (under a temporary name,
 * then renamed). Times are seconds from the video start; `staff` flags people the config's staff
 * rules exclude. Returns the row counts.
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
      events: await out("events", `SELECT track_id, frame, t_seconds, ts, line, direction, staff FROM events ORDER BY t_seconds, track_id`),
      zoneVisits: await out("zone_visits", `SELECT track_id, zone, kind, enter_t, exit_t, dwell_seconds, stopper, staff FROM zone_visits ORDER BY enter_t, track_id`),
    };
  } finally {
    a.close();
  }
}
