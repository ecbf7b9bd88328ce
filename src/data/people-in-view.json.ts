// people-in-view.json: how many people the tracker and the count stage see in each analysed
// frame. Long videos are averaged into at most MAX_BINS time bins (with the bin's maximum
// kept), so the page gets the same small file for a 7-second clip and a day of footage.
// Columnar: parallel arrays t (bin start, s), tracks, tracksMax, customers (tracked people the
// analytics engine does not count as staff; its people_in_view view), counted (the count
// stage's estimate: counts.parquet, static objects left out, the camera's calibrated model) and
// countedFrames (analysed frames per bin). `counting` holds what a window's count interval
// needs (src/components/count-interval.js); `residuals` is null for an uncalibrated run.
import { peopleInView } from "../../loaders/analytics/metrics.ts";
import { DEFAULT_CORRELATION_SECONDS, DEFAULT_DRIFT } from "../../loaders/count/uncertainty.ts";
import { openRunAnalytics } from "./_lib/analytics.ts";
import { emitJson, openRun } from "./_lib/run.ts";
import { frameSeconds, runStride } from "../../loaders/run/contract.ts";

const MAX_BINS = 1500;

const run = await openRun();
const { video, framesAnalysed, counting } = run.info;
const hasCounts = (await run.rows(`SELECT 1 FROM duckdb_views() WHERE view_name = 'counts'`)).length > 0;
const stride = runStride(run.info);
const [{ last }] = await run.rows<{ last: number }>(`
  SELECT greatest(${video.frameCount - 1}, coalesce((SELECT max(frame) FROM tracks), 0),
    coalesce((SELECT max(frame) FROM detections), 0))::INTEGER AS last`);
const bin = stride * Math.max(1, Math.ceil(Math.max(framesAnalysed, (last + 1) / stride) / MAX_BINS));
const series = await run.columns(`
  WITH frames AS (SELECT unnest(generate_series(0, ${last}, ${stride})) AS frame),
  tc AS (SELECT frame, count(*) AS n FROM tracks GROUP BY frame),
  cc AS (${hasCounts ? "SELECT frame, estimate FROM counts" : "SELECT frame, count(*) FILTER (score >= " + Number(run.info.thresholds.count) + ") AS estimate FROM detections GROUP BY frame"})
  SELECT round(min(f.frame) / ${video.fps}, 3)::DOUBLE AS t,
    round(avg(coalesce(tc.n, 0)), 3)::DOUBLE AS tracks,
    max(coalesce(tc.n, 0))::INTEGER AS tracksMax,
    round(avg(coalesce(cc.estimate, 0)), 3)::DOUBLE AS counted,
    count(*)::INTEGER AS countedFrames
  FROM frames f LEFT JOIN tc USING (frame) LEFT JOIN cc USING (frame)
  GROUP BY f.frame // ${bin}
  ORDER BY t`);
run.close();

// customers per frame from the engine, averaged over the same bins
const engine = await openRunAnalytics("a");
const frames = await peopleInView(engine.a);
engine.close();
const t = series.t as number[];
const sums = new Array(t.length).fill(0);
const counts = new Array(t.length).fill(0);
for (const f of frames) {
  const k = Math.min(t.length - 1, Math.floor(Number(f.frame) / bin));
  sums[k] += Number(f.customers);
  counts[k]++;
}
const customers = sums.map((s, k) => (counts[k] ? Math.round((s / counts[k]) * 1000) / 1000 : 0));

await emitJson({
  fps: video.fps,
  binSeconds: bin / video.fps,
  ...series,
  customers,
  counting: {
    calibrated: !!counting?.calibrated,
    residuals: counting?.calibrated ? counting.residuals : null,
    smoothSeconds: counting?.smoothSeconds ?? 0,
    frameSeconds: frameSeconds(run.info),
    drift: DEFAULT_DRIFT,
    correlationSeconds: DEFAULT_CORRELATION_SECONDS,
  },
});
