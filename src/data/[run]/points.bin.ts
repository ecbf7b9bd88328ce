// data/{a,b}/points.bin: every customer observation as (time, grid cell of the foot point), sorted
// by time, so a page sums any time window into a dwell grid with one binary search and one pass
// (the engine's dwell_grid for that window, at the pages' cell size). Each point stands for
// `frameSeconds` of a person's time, so cell sums are person-seconds.
import { customerFootPoints, openRunAnalytics } from "../_lib/analytics.ts";
import { packColumns } from "../_lib/binary.ts";
import { gridFor } from "../_lib/per-run.ts";
import { emit, hasRunB, whichRun } from "../_lib/run.ts";

const which = whichRun();
if (which === "b" && !hasRunB()) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const r = await openRunAnalytics(which);
  const grid = gridFor(r.info.video.width, r.info.video.height);
  const foot = await customerFootPoints(r);
  r.close();
  const n = foot.t.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => foot.t[i] - foot.t[j]);
  const t = new Float32Array(n);
  const cell = new Uint16Array(n);
  order.forEach((k, i) => {
    // feet below the frame edge (boxes may overhang) go to the border cells, as in the engine
    const cx = Math.min(grid.cols - 1, Math.max(0, Math.floor(foot.x[k] / grid.cell)));
    const cy = Math.min(grid.rows - 1, Math.max(0, Math.floor(foot.y[k] / grid.cell)));
    t[i] = foot.t[k];
    cell[i] = cy * grid.cols + cx;
  });
  await emit(packColumns({ which, available: true, grid, frameSeconds: foot.dt, points: n }, { t, cell }));
}
