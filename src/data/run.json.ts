// run.json: what was analysed and how (video, model, thresholds, tracker, timings), as the run
// contract reads it (loaders/run: older files come back in the current shape).
import { readRun } from "../../loaders/run/read.ts";
import { emitJson, ensureRunDir } from "./_lib/run.ts";

await emitJson(readRun(await ensureRunDir()));
