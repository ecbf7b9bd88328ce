// trajectories.json: one polyline of foot points (bottom-centre of the box) per track, in
// source-video pixels, lightly smoothed (5-point moving average) and decimated to at most
// ~MAX_POINTS points in all. Columnar: parallel arrays track_id, t, x, y, ordered by track then time.
import { emitJson, openRun } from "./_lib/run.ts";

const MAX_POINTS = 20_000;

const run = await openRun();
const [{ n }] = (await run.rows(`SELECT count(*)::INTEGER AS n FROM tracks`)) as { n: number }[];
const step = Math.max(1, Math.ceil(n / MAX_POINTS));
const points = await run.columns(`
  WITH foot AS (
    SELECT track_id, frame, t_seconds,
      avg((x1 + x2) / 2) OVER w AS x,
      avg(y2) OVER w AS y,
      row_number() OVER (PARTITION BY track_id ORDER BY frame) - 1 AS i,
      count(*) OVER (PARTITION BY track_id) AS len
    FROM tracks
    WINDOW w AS (PARTITION BY track_id ORDER BY frame ROWS BETWEEN 2 PRECEDING AND 2 FOLLOWING)
  )
  SELECT track_id, round(t_seconds, 3)::DOUBLE AS t, round(x, 1)::DOUBLE AS x, round(y, 1)::DOUBLE AS y
  FROM foot
  WHERE i % ${step} = 0 OR i = len - 1
  ORDER BY track_id, frame`);
const tracks = await run.rows(`
  SELECT track_id AS id, min(t_seconds)::DOUBLE AS start, max(t_seconds)::DOUBLE AS "end",
    count(*)::INTEGER AS points, avg(interpolated::INTEGER)::DOUBLE AS interpolatedShare
  FROM tracks GROUP BY track_id ORDER BY track_id`);
run.close();

await emitJson({
  width: run.info.video.width,
  height: run.info.video.height,
  duration: run.info.video.duration,
  step,
  tracks,
  points,
});
