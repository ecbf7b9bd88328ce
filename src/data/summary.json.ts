// summary.json: the Overview's headline numbers, one SQL aggregate each.
import { emitJson, openRun } from "./_lib/run.ts";

const run = await openRun();
const { info } = run;
const [detections] = await run.rows(`
  SELECT count(*)::INTEGER AS count, count(DISTINCT frame)::INTEGER AS frames, avg(score)::DOUBLE AS meanScore
  FROM detections`);
const [tracks] = await run.rows(`
  WITH per_track AS (
    SELECT track_id, count(*) AS points, (max(t_seconds) - min(t_seconds)) AS seconds FROM tracks GROUP BY track_id
  )
  SELECT count(*)::INTEGER AS count,
    coalesce(sum(points), 0)::INTEGER AS points,
    median(seconds)::DOUBLE AS medianSeconds,
    coalesce(sum(seconds), 0)::DOUBLE AS personSeconds
  FROM per_track`);
const [points] = await run.rows(`
  SELECT coalesce(avg(interpolated::INTEGER), 0)::DOUBLE AS interpolatedShare FROM tracks`);
const [inView] = await run.rows(`
  WITH per_frame AS (SELECT frame, count(*) AS n FROM tracks GROUP BY frame)
  SELECT coalesce(max(n), 0)::INTEGER AS max,
    coalesce(sum(n), 0)::DOUBLE / ${Math.max(1, info.framesAnalysed)} AS mean
  FROM per_frame`);
run.close();

await emitJson({
  framesAnalysed: info.framesAnalysed,
  duration: info.video.duration,
  analysisSeconds: info.timings.total,
  analysisFps: info.timings.total > 0 ? info.framesAnalysed / info.timings.total : null,
  realtimeFactor: info.timings.total > 0 ? info.video.duration / info.timings.total : null,
  detections,
  tracks: { ...tracks, ...points },
  peopleInView: inView,
});
