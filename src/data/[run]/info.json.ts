// data/{a,b}/info.json: what a run is (video, model, tracker), its camera config (lines, zones,
// dayparts, start time) and the constants the pages need to read its binary files.
import { customerEvents, openRunAnalytics, pageConfig } from "../_lib/analytics.ts";
import { gridFor, startMs } from "../_lib/per-run.ts";
import { emitJson, hasRunB, whichRun } from "../_lib/run.ts";
import { basename } from "node:path";
import { frameSeconds } from "../../../loaders/run/contract.ts";

const which = whichRun();
if (which === "b" && !hasRunB()) {
  await emitJson({ which, available: false, reason: "no second run configured (set SMW_RUN_B to a run directory)" });
} else {
  const r = await openRunAnalytics(which);
  const { info } = r;
  const events = await customerEvents(r);
  const [counts] = await r.a.rows(`
    SELECT count(DISTINCT uid)::INTEGER AS tracks, count(*)::INTEGER AS points,
      (count(DISTINCT uid) FILTER (NOT staff))::INTEGER AS customers FROM tracks`);
  r.close();
  await emitJson({
    which,
    available: true,
    name: basename(r.dir),
    video: { file: basename(info.video.path), width: info.video.width, height: info.video.height, fps: info.video.fps, duration: info.video.duration },
    model: { name: info.model.name, scoreThreshold: info.thresholds.detect },
    options: info.options,
    framesAnalysed: info.framesAnalysed,
    frameSeconds: frameSeconds(info),
    startTime: r.startLocal,
    startMs: startMs(r.startLocal),
    grid: gridFor(info.video.width, info.video.height),
    counts: { ...counts, staff: events.staff },
    config: pageConfig(r),
  });
}
