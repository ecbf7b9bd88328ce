// data/{a,b}/info.json: what a run is (video, model, tracker), its camera config (lines, zones,
// start time) and the constants the pages need to read its binary files (grid, frame seconds).
import { runAnalytics } from "../_lib/analytics.ts";
import { frameSeconds, gridFor, openRequestedRun, startMs } from "../_lib/per-run.ts";
import { emitJson } from "../_lib/run.ts";
import { basename } from "node:path";

const { which, run } = await openRequestedRun();
if (!run) {
  await emitJson({ which, available: false, reason: "no second run configured (set SMW_RUN_B to a run directory)" });
} else {
  const { info } = run;
  const analytics = await runAnalytics(run);
  const [counts] = await run.rows(`
    SELECT count(DISTINCT track_id)::INTEGER AS tracks, count(*)::INTEGER AS points FROM tracks`);
  run.close();
  const { config } = analytics;
  await emitJson({
    which,
    available: true,
    name: basename(run.dir),
    video: { file: basename(info.video.path), width: info.video.width, height: info.video.height, fps: info.video.fps, duration: info.video.duration },
    model: { name: info.model.name, scoreThreshold: info.model.scoreThreshold },
    options: info.options,
    framesAnalysed: info.framesAnalysed,
    frameSeconds: frameSeconds(run),
    startTime: config.startTime,
    startMs: startMs(config.startTime),
    grid: gridFor(info.video.width, info.video.height),
    counts,
    engine: analytics.engine,
    config: {
      name: config.name,
      source: config.source,
      impressionSeconds: config.impressionSeconds,
      lines: config.lines,
      zones: config.zones,
    },
  });
}
