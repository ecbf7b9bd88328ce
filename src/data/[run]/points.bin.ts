// data/{a,b}/points.bin: every track point as (time, grid cell of its foot point), sorted by time,
// so a page sums any time window into a dwell grid with one binary search and one pass. Each point
// stands for `frameSeconds` of a person's time, so cell sums are person-seconds.
import { footPoints } from "../_lib/analytics.ts";
import { packColumns } from "../_lib/binary.ts";
import { frameSeconds, gridFor, openRequestedRun } from "../_lib/per-run.ts";
import { emit } from "../_lib/run.ts";

const { which, run } = await openRequestedRun();
if (!run) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const { width, height } = run.info.video;
  const grid = gridFor(width, height);
  const foot = await footPoints(run);
  const seconds = frameSeconds(run);
  run.close();
  const n = foot.t.length;
  const order = Uint32Array.from({ length: n }, (_, i) => i).sort((i, j) => foot.t[i] - foot.t[j]);
  const t = new Float32Array(n);
  const cell = new Uint16Array(n);
  order.forEach((k, i) => {
    const cx = Math.min(grid.cols - 1, Math.max(0, Math.floor(foot.x[k] / grid.cell)));
    const cy = Math.min(grid.rows - 1, Math.max(0, Math.floor(foot.y[k] / grid.cell)));
    t[i] = foot.t[k];
    cell[i] = cy * grid.cols + cx;
  });
  await emit(packColumns({ which, available: true, grid, frameSeconds: seconds, points: n }, { t, cell }));
}
