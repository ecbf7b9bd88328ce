// data/{a,b}/motion.bin: the run's motion heatmap (absolute difference against the background
// plate, summed over every analysed frame) resampled onto the pages' foot-point grid, as the mean
// grey-level change per analysed frame, so it sits beside the dwell map cell for cell.
import { packColumns } from "../_lib/binary.ts";
import { gridFor, openRequestedRun } from "../_lib/per-run.ts";
import { emit } from "../_lib/run.ts";

const { which, run } = await openRequestedRun();
if (!run) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const { width, height } = run.info.video;
  const grid = gridFor(width, height);
  const { width: mw, height: mh, frames } = run.info.motion;
  // motion cells are in analysis pixels; map each to the grid cell its centre falls in
  const cols = await run.columns(`
    SELECT least(${grid.cols - 1}, floor((x::DOUBLE + 0.5) * ${width / mw}::DOUBLE / ${grid.cell}::DOUBLE))::INTEGER AS cx,
      least(${grid.rows - 1}, floor((y::DOUBLE + 0.5) * ${height / mh}::DOUBLE / ${grid.cell}::DOUBLE))::INTEGER AS cy,
      avg(value)::DOUBLE AS v
    FROM motion GROUP BY ALL`);
  run.close();
  const value = new Float32Array(grid.cols * grid.rows);
  const cx = cols.cx as number[], cy = cols.cy as number[], v = cols.v as number[];
  for (let i = 0; i < v.length; i++) value[cy[i] * grid.cols + cx[i]] = v[i] / Math.max(1, frames);
  await emit(packColumns({ which, available: true, grid, frames, unit: "grey levels per frame" }, { value }));
}
