// data/{a,b}/timeline.json: footfall over the whole run for the brushable window: customers
// entering view, and line crossings in and out (all lines), per time bin. The bin is the smallest
// "nice" step giving at most MAX_BINS bins, so a 7-second clip and a week of footage both get a
// small file.
import { customerEvents, openRunAnalytics, runDuration } from "../_lib/analytics.ts";
import { emitJson, hasRunB, whichRun } from "../_lib/run.ts";

const MAX_BINS = 240;
const STEPS = [0.1, 0.2, 0.25, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400];

const which = whichRun();
if (which === "b" && !hasRunB()) {
  await emitJson({ which, available: false });
} else {
  const r = await openRunAnalytics(which);
  const { tracks, crossings } = await customerEvents(r);
  const duration = await runDuration(r);
  r.close();
  const bin = STEPS.find((s) => duration / s <= MAX_BINS) ?? 86400 * Math.ceil(duration / 86400 / MAX_BINS);
  const n = Math.max(1, Math.ceil(duration / bin - 1e-9));
  const visitors = new Array(n).fill(0);
  const lineIn = new Array(n).fill(0);
  const lineOut = new Array(n).fill(0);
  const at = (t: number) => Math.min(n - 1, Math.max(0, Math.floor(t / bin)));
  for (const t of tracks.start) visitors[at(t)]++;
  crossings.t.forEach((t, i) => (crossings.dir[i] > 0 ? lineIn : lineOut)[at(t)]++);
  await emitJson({
    which,
    available: true,
    bin,
    duration,
    t: Array.from({ length: n }, (_, i) => +(i * bin).toFixed(6)),
    visitors,
    in: lineIn,
    out: lineOut,
  });
}
