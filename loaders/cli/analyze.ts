// `smw analyze`: one video, or a day of one camera's segments, each through the one segment recipe.
import { Command, Option } from "commander";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { AnalysisAborted, UserError } from "../errors.ts";
import { annotateVideo } from "../ops/annotate.ts";
import { analyzeSegment, loadCamera, type CameraSetup } from "../pipeline/segment.ts";
import { expandVideoInputs, planSegments, segmentStarts, type SegmentPlan } from "../pipeline/segments.ts";
import type { RunSummary } from "../run/contract.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { probeVideo } from "../video/probe.ts";
import { classList, fraction, positiveInt, size } from "./options.ts";
import { progressReporter } from "./progress.ts";

export function analyzeCommand(): Command {
  return new Command("analyze")
    .description("detect and track people in a video; write run.json, detections.parquet, tracks.parquet and heatmaps")
    .argument("<video...>", "video file(s) or folder(s) of one camera's segments, in time order")
    .requiredOption("--out <dir>", "output folder for the run")
    .option("--mot <file>", "also write tracks as MOTChallenge text (1-based frames, source pixels)")
    .option("--stride <n>", "analyse every Nth frame", positiveInt("--stride"), 1)
    .option("--config <camera.json>", "camera config: lines, zones, start time, count calibration")
    .option("--model <manifest.json>", "model manifest", undefined)
    .option("--input-size <WxH>", "model input size (multiples of 32); default keeps the video's aspect at 384 long side", size)
    .option("--score-threshold <p>", "minimum detection score", fraction)
    .addOption(new Option("--snapshots <mode>", "stills of line crossings and display-zone entries, beside the run (needs --config): people blurred, also raw, or none").choices(["blurred", "raw", "none"]).default("blurred"))
    .option("--classes <names>", "COCO classes to detect and track, comma-separated, as the model manifest names them (default: the camera config's classes, else person)", classList)
    .addOption(new Option("--tracker <name>", "tracker").choices(["centroid", "bytetrack"]).default("bytetrack"))
    .option("--no-repair", "skip offline track repair (gap interpolation and fragment stitching)")
    .option("--no-motion-gate", "run the detector on every frame (default: frames that do not differ from the background plate skip it)")
    .option("--threads <n>", "onnxruntime threads", positiveInt("--threads"))
    .option("--resume", "continue an interrupted run in --out from its last committed chunk")
    .option("--chunk-frames <n>", "analysed frames per committed chunk (work redone at most after a crash)", positiveInt("--chunk-frames"))
    .option("--annotate <out.mp4>", "also write the video with boxes, ids, trails, lines, zones and counts drawn on it")
    .option("--blur-people", "blur every detected person in the annotated video (privacy)")
    .option("--quiet", "no progress output")
    .option("--json", "print the run summary as JSON")
    .addHelpText("after", `
Examples:
  smw analyze data/clips/tud-stadtmitte.mp4 --out runs/demo
  smw analyze store.mp4 --out runs/store --stride 2 --mot runs/store/tracks.txt
  smw analyze store.mp4 --out runs/store --resume      # after a crash or Ctrl-C
  smw analyze drive-through.mp4 --out runs/cars --classes car,truck
  smw analyze footage/2024-05-18/ --out runs/store --config camera.json   # a day of segments`)
    .action(async (inputs: string[], o) => {
      const camera = o.config ? loadCamera(o.config) : undefined;
      const config = camera?.config;
      const videos = expandVideoInputs(inputs);
      if (videos.length > 1 && (o.mot || o.annotate)) throw new UserError("--mot and --annotate write one file for one video; analyse the files one by one to get one for each");
      if (o.blurPeople && !o.annotate) throw new UserError("--blur-people applies to the annotated video: add --annotate out.mp4");
      ensureWritableDir(o.out);
      // probe every file first: a bad segment should stop the day before hours of work, not after
      const infos = [];
      for (const v of videos) infos.push(await probeVideo(v));
      const plans = planSegments(videos, o.out, segmentStarts(videos, infos.map((i) => i.duration), config), config);
      let partial: string | undefined;
      const stopping = stopOnSignal();
      try {
        for (const plan of plans) {
          const damaged = await analyzePlan(plan, o, camera, stopping.signal);
          // one video: the error below is the one line; several: say which segments were damaged as they go
          if (damaged && plans.length > 1) process.stderr.write(`smw: warning: ${damaged}\n`);
          partial ??= damaged;
        }
      } finally {
        stopping.dispose();
      }
      if (partial) throw new UserError(partial, 3);
    });
}

/** One segment of the command: analysed (or skipped when `--resume` finds it finished); returns the damage message of a partial result. */
async function analyzePlan(plan: SegmentPlan, o: Record<string, any>, camera: CameraSetup | undefined, signal: AbortSignal): Promise<string | undefined> {
  // a day interrupted part-way: its finished segments stand, the interrupted one continues
  if (o.resume && existsSync(join(plan.out, "run.json")) && !existsSync(join(plan.out, ".parts", "checkpoint.json"))) {
    if (!o.quiet && !o.json) console.log(`${plan.video}: already analysed in ${plan.out}`);
    return undefined;
  }
  const config = camera?.config;
  const progress = progressReporter(`analyze ${plan.video}`, { quiet: o.quiet || o.json });
  let done;
  try {
    done = await analyzeSegment({
      video: plan.video, out: plan.out, config: camera, segment: { name: plan.segment, start: plan.start },
      mot: o.mot, stride: o.stride, model: o.model, classes: o.classes, snapshots: o.snapshots, inputSize: o.inputSize, scoreThreshold: o.scoreThreshold, tracker: o.tracker,
      repair: o.repair, motionGate: o.motionGate ? undefined : false, resume: o.resume, chunkFrames: o.chunkFrames, threads: o.threads,
      onProgress: (p) => progress.update(p),
      onWarning: (m) => process.stderr.write(`smw: ${m}\n`), signal,
    });
  } catch (e) {
    if (e instanceof AnalysisAborted) {
      throw new UserError(`${plan.video}: stopped after ${e.framesAnalysed} frames, all kept in ${plan.out}; run the same command with --resume to continue`, 130);
    }
    throw e;
  } finally {
    progress.stop();
  }
  const { summary, analytics } = done;
  if (o.annotate) {
    const r = await annotateVideo({ video: plan.video, runDir: plan.out, out: o.annotate, blurPeople: o.blurPeople, lines: config?.lines, zones: config?.zones });
    if (!o.quiet && !o.json) console.log(`annotated video (${r.frames} frames, ${r.codec}) -> ${r.out}`);
  }
  if (o.json) console.log(JSON.stringify(summary));
  else if (!o.quiet) console.log(doneLine(summary, analytics, plan.out));
  if (!summary.partial) return undefined;
  return `${plan.video}: damaged after ${summary.partial.lastSeconds.toFixed(1)} s (${summary.partial.error}); kept the ${summary.framesAnalysed} frames that decoded, re-copy the file from the recorder to analyse the rest`;
}

/**
 * Ctrl-C (or SIGTERM) stops at the next frame and commits what was analysed, so `--resume` loses
 * nothing; a second Ctrl-C quits at once (losing at most the frames since the last chunk).
 */
function stopOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: string) => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nsmw: ${name}: stopping after this frame and keeping what was analysed (again to quit at once)\n`);
    controller.abort(name);
  };
  const int = () => onSignal("Ctrl-C");
  const term = () => onSignal("SIGTERM");
  process.on("SIGINT", int);
  process.on("SIGTERM", term);
  return { signal: controller.signal, dispose: () => (process.off("SIGINT", int), process.off("SIGTERM", term)) };
}

function doneLine(s: RunSummary, analytics: { events: number; zoneVisits: number; snapshots: number } | null, out: string): string {
  const fps = s.framesAnalysed / s.timings.total;
  const lines = analytics ? `, ${analytics.events} line crossings, ${analytics.zoneVisits} zone visits, ${analytics.snapshots} snapshots` : "";
  return `${s.framesAnalysed} frames analysed in ${s.timings.total.toFixed(1)} s (${fps.toFixed(1)} frames/s): ${s.detections} detections, ${s.tracks} tracks${lines} -> ${out}`;
}
