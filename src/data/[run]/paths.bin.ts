// data/{a,b}/paths.bin: each customer's foot path, smoothed over 5 observations and thinned to at
// most MAX_POINTS points in all, for drawing. Columns: track_id and offset per track (points of
// track i are offset[i] .. offset[i+1]-1), then t, x, y per point (seconds, source pixels).
import { customerFootPoints, openRunAnalytics } from "../_lib/analytics.ts";
import { packColumns } from "../_lib/binary.ts";
import { emit, hasRunB, whichRun } from "../_lib/run.ts";

const MAX_POINTS = 150_000;

const which = whichRun();
if (which === "b" && !hasRunB()) {
  await emit(packColumns({ which, available: false }, {}));
} else {
  const r = await openRunAnalytics(which);
  const foot = await customerFootPoints(r, { smooth: true });
  r.close();
  const n = foot.t.length;
  const step = Math.max(1, Math.ceil(n / MAX_POINTS));
  const ids: number[] = [];
  const offsets: number[] = [];
  const keep: number[] = [];
  for (let start = 0; start < n; ) {
    let end = start;
    while (end < n && foot.track[end] === foot.track[start]) end++;
    ids.push(foot.track[start]);
    offsets.push(keep.length);
    for (let i = start; i < end; i++) if ((i - start) % step === 0 || i === end - 1) keep.push(i);
    start = end;
  }
  offsets.push(keep.length);
  const pick = (a: Float32Array) => Float32Array.from(keep, (i) => a[i]);
  await emit(
    packColumns(
      { which, available: true, step, tracks: ids.length, points: keep.length },
      { track_id: Int32Array.from(ids), offset: Uint32Array.from(offsets), t: pick(foot.t), x: pick(foot.x), y: pick(foot.y) },
    ),
  );
}
