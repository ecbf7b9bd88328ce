// data/{a,b}/events.bin: the run's events as columns (see src/components/binary.js): one row per
// track (id, first and last time seen), per line crossing (line, track, time, +1 in / -1 out)
// and per zone visit (zone, track, enter, exit). Times in seconds from the video start. The pages
// re-cut these by any time window without going back to the points.
import { runAnalytics } from "../_lib/analytics.ts";
import { packColumns } from "../_lib/binary.ts";
import { openRequestedRun } from "../_lib/per-run.ts";
import { emit } from "../_lib/run.ts";

const { which, run } = await openRequestedRun();
if (!run) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const { crossings, visits } = await runAnalytics(run);
  const tracks = await run.columns(`
    SELECT track_id AS id, min(t_seconds)::DOUBLE AS start, max(t_seconds)::DOUBLE AS "end"
    FROM tracks GROUP BY track_id ORDER BY start, track_id`);
  run.close();
  await emit(
    packColumns(
      { which, available: true, tracks: tracks.id.length, crossings: crossings.t.length, visits: visits.enter.length },
      {
        track_id: Int32Array.from(tracks.id as number[]),
        track_start: Float32Array.from(tracks.start as number[]),
        track_end: Float32Array.from(tracks.end as number[]),
        crossing_line: crossings.line,
        crossing_track: crossings.track,
        crossing_t: crossings.t,
        crossing_dir: crossings.dir,
        visit_zone: visits.zone,
        visit_track: visits.track,
        visit_enter: visits.enter,
        visit_exit: visits.exit,
      },
    ),
  );
}
