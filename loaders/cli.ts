// `smw`: the command line over the pipeline. Only this edge turns errors into messages and
// exit codes (0 done, 2 bad input or usage, 3 partial result, 1 internal error).
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UserError } from "./errors.ts";
import { analyzeVideo } from "./pipeline/analyze.ts";
import { progressReporter } from "./cli/progress.ts";
import { evaluateMot, formatMetrics } from "./eval/mot-metrics.ts";
import { readMotFile } from "./eval/mot-text.ts";
import { copyFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { loadCameraConfig, wallClockToDate } from "./config/camera.ts";
import { openAnalytics, runStartOf, writeRunAnalytics } from "./analytics/views.ts";
import { formatHeadline, headline } from "./analytics/report.ts";
import { expandVideoInputs, findRunDirs, planSegments, segmentStarts } from "./pipeline/segments.ts";
import { probeVideo } from "./video/probe.ts";

function positiveInt(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a whole number >= 1`);
    return n;
  };
}

function fraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError("must be a number between 0 and 1");
  return n;
}

function size(v: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(v);
  if (!m) throw new InvalidArgumentError("must look like 384x288");
  return [Number(m[1]), Number(m[2])];
}

export function buildProgram(): Command {
  const program = new Command("smw")
    .description("Store Motion Workbench: privacy-safe people analytics from store CCTV")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();

  program
    .command("analyze")
    .description("detect and track people in a video; write run.json, detections.parquet, tracks.parquet and heatmaps")
    .argument("<video...>", "video file(s) or folder(s) of one camera's segments, in time order")
    .requiredOption("--out <dir>", "output folder for the run")
    .option("--mot <file>", "also write tracks as MOTChallenge text (1-based frames, source pixels)")
    .option("--stride <n>", "analyse every Nth frame", positiveInt("--stride"), 1)
    .option("--config <camera.json>", "camera config: lines, zones, start time")
    .option("--model <manifest.json>", "model manifest", undefined)
    .option("--input-size <WxH>", "model input size (multiples of 32); default keeps the video's aspect at 384 long side", size)
    .option("--score-threshold <p>", "minimum detection score", fraction)
    .addOption(new Option("--tracker <name>", "tracker").choices(["centroid", "bytetrack"]).default("bytetrack"))
    .option("--no-repair", "skip offline track repair (gap interpolation and fragment stitching)")
    .option("--threads <n>", "onnxruntime threads", positiveInt("--threads"))
    .option("--resume", "continue an interrupted run in --out from its last committed chunk")
    .option("--chunk-frames <n>", "analysed frames per committed chunk (work redone at most after a crash)", positiveInt("--chunk-frames"))
    .option("--quiet", "no progress output")
    .option("--json", "print the run summary as JSON")
    .addHelpText("after", `
Examples:
  smw analyze data/clips/tud-stadtmitte.mp4 --out runs/demo
  smw analyze store.mp4 --out runs/store --stride 2 --mot runs/store/tracks.txt
  smw analyze store.mp4 --out runs/store --resume      # after a crash or Ctrl-C
  smw analyze footage/2024-05-18/ --out runs/store --config camera.json   # a day of segments`)
    .action(async (inputs: string[], o) => {
      const config = o.config ? loadCameraConfig(o.config) : undefined;
      const videos = expandVideoInputs(inputs);
      if (videos.length > 1 && o.mot) throw new UserError("--mot writes one file for one video; analyse the files one by one to get MOT text for each");
      // probe every file first: a bad segment should stop the day before hours of work, not after
      const infos = [];
      for (const v of videos) infos.push(await probeVideo(v));
      const plans = planSegments(videos, o.out, segmentStarts(videos, infos.map((i) => i.duration), config), config);
      let partial: string | undefined;
      for (const plan of plans) {
        const progress = progressReporter(`analyze ${plan.video}`, { quiet: o.quiet || o.json });
        let summary;
        try {
          summary = await analyzeVideo({
            video: plan.video,
            out: plan.out,
            mot: o.mot,
            stride: o.stride,
            model: o.model,
            inputSize: o.inputSize,
            scoreThreshold: o.scoreThreshold,
            tracker: o.tracker,
            repair: o.repair,
            resume: o.resume,
            chunkFrames: o.chunkFrames,
            threads: o.threads,
            segment: { name: plan.segment, camera: config?.camera ?? "camera", start: plan.start, timezone: config?.timezone ?? "UTC" },
            onProgress: (p) => progress.update(p),
          });
        } finally {
          progress.stop();
        }
        let analytics = "";
        if (config) {
          // the pages and smw report read the config next to the run
          copyFileSync(o.config, join(plan.out, "camera.json"));
          const n = await writeRunAnalytics(plan.out, config);
          analytics = `, ${n.events} line crossings, ${n.zoneVisits} zone visits`;
        }
        if (o.json) console.log(JSON.stringify(summary));
        else if (!o.quiet) {
          const fps = summary.framesAnalysed / summary.timings.total;
          console.log(`${summary.framesAnalysed} frames analysed in ${summary.timings.total.toFixed(1)} s (${fps.toFixed(1)} frames/s): ${summary.detections} detections, ${summary.tracks} tracks${analytics} -> ${plan.out}`);
        }
        if (summary.partial) {
          const msg = `${plan.video}: damaged after ${summary.partial.lastSeconds.toFixed(1)} s (${summary.partial.error}); kept the ${summary.framesAnalysed} frames decoded before it`;
          process.stderr.write(`smw: warning: ${msg}\n`);
          partial ??= msg;
        }
      }
      if (partial) throw new UserError(partial, 3);
    });

  program
    .command("report")
    .description("headline numbers for runs and a time window: visitors, line in/out, dwell, people in view, zones")
    .argument("<run...>", "run folder(s) of smw analyze, or a dataset folder above them")
    .option("--config <camera.json>", "camera config (default: the camera.json stored with the run)")
    .option("--from <time>", "window start, local wall-clock time (e.g. 2024-05-18T10:00)")
    .option("--to <time>", "window end (exclusive)")
    .option("--from-seconds <s>", "window start in seconds from the video start", Number)
    .option("--to-seconds <s>", "window end in seconds from the video start", Number)
    .option("--daypart <name>", "only this daypart (morning, afternoon, evening, night, or the config's own)")
    .addOption(new Option("--days <kind>", "only weekdays or weekends").choices(["weekday", "weekend"]))
    .option("--segment <name>", "only this segment")
    .option("--json", "print the numbers as JSON")
    .addHelpText("after", `
Examples:
  smw report data/runs/demo
  smw report runs/store --from 2024-05-18T10:00 --to 2024-05-18T12:00
  smw report runs/store --daypart evening --days weekend`)
    .action(async (paths: string[], o) => {
      const dirs = findRunDirs(paths);
      const configPath = o.config ?? [join(dirs[0], "camera.json")].find((f) => existsSync(f));
      const config = configPath ? loadCameraConfig(configPath) : undefined;
      const runs = dirs.map((dir) => ({ dir, start: runStartOf(dir, config) }));
      const tz = config?.timezone ?? "UTC";
      const at = (s: string | undefined, flag: string) => {
        if (s === undefined) return undefined;
        const d = wallClockToDate(s, tz);
        if (!d) throw new UserError(`${flag} ${s}: not a date and time; write it like 2024-05-18T10:00`);
        return d;
      };
      const window = {
        start: at(o.from, "--from"), end: at(o.to, "--to"), fromSeconds: o.fromSeconds, toSeconds: o.toSeconds,
        daypart: o.daypart, weekday: o.days, segment: o.segment,
      };
      const a = await openAnalytics({ runs, config });
      try {
        const h = await headline(a, window);
        console.log(o.json ? JSON.stringify(h) : formatHeadline(h));
      } finally {
        a.close();
      }
    });

  program
    .command("eval")
    .description("score tracking results against MOTChallenge ground truth (MOTA, MOTP, IDF1, IDP, IDR, IDSW, FP, FN, MT/ML, HOTA)")
    .requiredOption("--gt <gt.txt>", "ground truth, MOTChallenge text")
    .requiredOption("--result <res.txt>", "tracking result, MOTChallenge text (e.g. from smw analyze --mot)")
    .option("--iou <t>", "IoU for a match", fraction, 0.5)
    .option("--json", "print the metrics as JSON")
    .addHelpText("after", `
Example:
  smw analyze data/clips/tud-campus.mp4 --out runs/campus --mot runs/campus/res.txt
  smw eval --gt data/clips/tud-campus.gt.txt --result runs/campus/res.txt`)
    .action(async (o) => {
      for (const f of [o.gt, o.result]) if (!existsSync(f)) throw new UserError(`${f}: no such file; check the path`);
      const gt = await readMotFile(o.gt, { gt: true });
      const res = await readMotFile(o.result);
      if (gt.length === 0) throw new UserError(`${o.gt}: no ground-truth rows; expected MOTChallenge lines frame,id,left,top,width,height,...`);
      const m = evaluateMot(gt, res, { iouThreshold: o.iou });
      console.log(o.json ? JSON.stringify(m) : formatMetrics(m, o.result));
    });

  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // help and version are not errors; usage mistakes are bad input
      return e.exitCode === 0 ? 0 : 2;
    }
    if (e instanceof UserError) {
      process.stderr.write(`smw: ${e.message}\n`);
      return e.exitCode;
    }
    process.stderr.write(`smw: internal error: ${(e as Error).message}\n`);
    if (process.env.SMW_DEBUG) process.stderr.write(`${(e as Error).stack}\n`);
    else process.stderr.write("smw: run again with SMW_DEBUG=1 for details, and report it with that output\n");
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
