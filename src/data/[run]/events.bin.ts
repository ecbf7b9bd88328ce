// data/{a,b}/events.bin: the run's customer events as columns (see src/components/binary.js):
// one row per customer (track id, first seen, last seen), per line crossing (line index, track,
// time, +1 in / -1 out) and per zone visit (zone index, track, enter, exit, 1 if a stopper). Times
// in seconds from the video start; indexes follow the config's order of lines and zones. Computed
// by the analytics engine (staff left out); the pages only re-cut them by time window.
import { customerEvents, openRunAnalytics } from "../_lib/analytics.ts";
import { packColumns } from "../_lib/binary.ts";
import { emit, hasRunB, whichRun } from "../_lib/run.ts";

const which = whichRun();
if (which === "b" && !hasRunB()) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const r = await openRunAnalytics(which);
  const { tracks, crossings, visits, staff } = await customerEvents(r);
  r.close();
  await emit(
    packColumns(
      { which, available: true, tracks: tracks.id.length, crossings: crossings.t.length, visits: visits.enter.length, staff },
      {
        track_id: tracks.id,
        track_start: tracks.start,
        track_end: tracks.end,
        crossing_line: crossings.line,
        crossing_track: crossings.track,
        crossing_t: crossings.t,
        crossing_dir: crossings.dir,
        visit_zone: visits.zone,
        visit_track: visits.track,
        visit_enter: visits.enter,
        visit_exit: visits.exit,
        visit_stopper: visits.stopper,
      },
    ),
  );
}
