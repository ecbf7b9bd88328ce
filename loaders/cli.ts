// `smw`: the command line over the pipeline. Only this edge turns errors into messages and
// exit codes (0 done, 2 bad input or usage, 3 partial result, 1 internal error).
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UserError } from "./errors.ts";
import { analyzeSegment, loadCamera } from "./pipeline/segment.ts";
import { ensureWritableDir } from "./store/out-dir.ts";
import { progressReporter } from "./cli/progress.ts";
import { evaluateMot, formatMetrics } from "./eval/mot-metrics.ts";
import { readMotFile } from "./eval/mot-text.ts";
import { existsSync } from "node:fs";
import { basename, join } from "node:path";
import { annotateVideo } from "./ops/annotate.ts";
import { loadAlertRules, runAlerts } from "./ops/alerts.ts";
import { exportCsv } from "./ops/export-csv.ts";
import { watch } from "./ops/watch.ts";
import { publishSite } from "../scripts/publish.ts";
import { loadCameraConfig, wallClockToDate } from "./config/camera.ts";
import { openAnalytics } from "./analytics/views.ts";
import { runStartOf } from "./run/read.ts";
import { formatHeadline, headline } from "./analytics/report.ts";
import { expandVideoInputs, planSegments, segmentStarts } from "./pipeline/segments.ts";
import { findRunDirs } from "./run/read.ts";
import { probeVideo } from "./video/probe.ts";
import { calibrate, formatCalibration } from "./count/calibrate.ts";

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
    .option("--config <camera.json>", "camera config: lines, zones, start time, count calibration")
    .option("--model <manifest.json>", "model manifest", undefined)
    .option("--input-size <WxH>", "model input size (multiples of 32); default keeps the video's aspect at 384 long side", size)
    .option("--score-threshold <p>", "minimum detection score", fraction)
    .addOption(new Option("--tracker <name>", "tracker").choices(["centroid", "bytetrack"]).default("bytetrack"))
    .option("--no-repair", "skip offline track repair (gap interpolation and fragment stitching)")
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
      for (const plan of plans) {
        const progress = progressReporter(`analyze ${plan.video}`, { quiet: o.quiet || o.json });
        let done;
        try {
          done = await analyzeSegment({
            video: plan.video,
            out: plan.out,
            config: camera,
            segment: { name: plan.segment, start: plan.start },
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
            onProgress: (p) => progress.update(p),
          });
        } finally {
          progress.stop();
        }
        const { summary } = done;
        const analytics = done.analytics ? `, ${done.analytics.events} line crossings, ${done.analytics.zoneVisits} zone visits` : "";
        if (o.annotate) {
          const r = await annotateVideo({ video: plan.video, runDir: plan.out, out: o.annotate, blurPeople: o.blurPeople, lines: config?.lines, zones: config?.zones });
          if (!o.quiet && !o.json) console.log(`annotated video (${r.frames} frames, ${r.codec}) -> ${r.out}`);
        }
        if (o.json) console.log(JSON.stringify(summary));
        else if (!o.quiet) {
          const fps = summary.framesAnalysed / summary.timings.total;
          console.log(`${summary.framesAnalysed} frames analysed in ${summary.timings.total.toFixed(1)} s (${fps.toFixed(1)} frames/s): ${summary.detections} detections, ${summary.tracks} tracks${analytics} -> ${plan.out}`);
        }
        if (summary.partial) {
          const msg = `${plan.video}: damaged after ${summary.partial.lastSeconds.toFixed(1)} s (${summary.partial.error}); kept the ${summary.framesAnalysed} frames that decoded, re-copy the file from the recorder to analyse the rest`;
          // one video: the error below is the one line; several: say which segments were damaged as they go
          if (plans.length > 1) process.stderr.write(`smw: warning: ${msg}\n`);
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
    .command("export")
    .description("write a run's tables as CSV for spreadsheets: per-track summary, footfall per interval, people counted per frame, line events, zone visits, alerts")
    .argument("<run>", "run folder of smw analyze")
    .requiredOption("--out <dir>", "folder for the CSV files")
    .addOption(new Option("--format <format>", "file format").choices(["csv"]).default("csv"))
    .option("--interval <seconds>", "footfall interval", positiveInt("--interval"), 60)
    .addHelpText("after", `
Example:
  smw export data/runs/demo --out exports/demo --interval 10`)
    .action(async (run: string, o) => {
      const r = await exportCsv(run, o.out, { intervalSeconds: o.interval });
      console.log(`${r.files.length} CSV files -> ${o.out}: ${r.files.map((f) => basename(f)).join(", ")}`);
    });

  program
    .command("alerts")
    .description("occupancy alerts over a run: webhook POST and/or e-mail when people in view (or in a zone) >= N for T seconds; writes alerts.parquet")
    .argument("<run>", "run folder of smw analyze")
    .requiredOption("--rules <rules.json>", "alert rules: [{name, minPeople, forSeconds, zone?, webhook?, email?}]")
    .option("--no-deliver", "only evaluate and write alerts.parquet, send nothing")
    .addHelpText("after", `
Example:
  smw alerts runs/store --rules alerts.json     # alerts.json: [{"name": "busy", "minPeople": 20, "forSeconds": 60, "webhook": "http://127.0.0.1:9000/hook"}]`)
    .action(async (run: string, o) => {
      const r = await runAlerts({ runDir: run, rules: loadAlertRules(o.rules), deliver: o.deliver });
      for (const a of r.alerts) console.log(`${a.tSeconds.toFixed(1)} s  ${a.rule}: ${a.people} people`);
      const failed = r.deliveries.filter((d) => !d.ok);
      for (const d of failed) process.stderr.write(`smw: warning: ${d.channel} for ${d.rule} failed: ${d.error}\n`);
      console.log(`${r.alerts.length} alerts over ${r.framesEvaluated} frames -> ${r.file}`);
    });

  program
    .command("annotate")
    .description("draw boxes, track ids, trails, lines, zones and counts on a video from its run; optionally blur people")
    .argument("<video>", "the video the run analysed")
    .requiredOption("--run <dir>", "run folder of smw analyze")
    .requiredOption("--out <file.mp4>", "annotated video")
    .option("--config <camera.json>", "draw this camera config's lines and zones (default: the run's camera.json)")
    .option("--blur-people", "blur every detected person (privacy)")
    .option("--no-overlays", "no drawing (with --blur-people: a plain redacted copy)")
    .action(async (video: string, o) => {
      const configPath = o.config ?? [join(o.run, "camera.json")].find((f) => existsSync(f));
      const config = configPath ? loadCameraConfig(configPath) : undefined;
      const progress = progressReporter(`annotate ${video}`);
      const t0 = performance.now();
      try {
        const r = await annotateVideo({
          video, runDir: o.run, out: o.out, blurPeople: o.blurPeople, overlays: o.overlays, lines: config?.lines, zones: config?.zones,
          onProgress: (p) => progress.update({ ...p, elapsed: (performance.now() - t0) / 1000 }),
        });
        progress.stop();
        console.log(`annotated video (${r.frames} frames, ${r.codec}) -> ${r.out}`);
      } finally {
        progress.stop();
      }
    });

  program
    .command("watch")
    .description("record a live input (RTSP/HTTP camera, webcam, or a file played in real time) in rolling segments and analyse each as it finishes")
    .argument("<input>", "rtsp://..., http://..., /dev/video0, or a video file")
    .requiredOption("--out <dir>", "output folder: segments/ and one run folder per segment")
    .option("--segment <seconds>", "segment length", positiveInt("--segment"), 60)
    .option("--duration <seconds>", "stop after this long", positiveInt("--duration"))
    .option("--until <HH:MM>", "stop at this local time")
    .option("--config <camera.json>", "camera config: lines and zones analysed per segment")
    .option("--rules <rules.json>", "occupancy alert rules checked on every segment")
    .option("--stride <n>", "analyse every Nth frame", positiveInt("--stride"), 1)
    .addHelpText("after", `
Examples:
  smw watch rtsp://192.0.2.10/stream1 --out runs/live --segment 300 --until 21:00
  smw watch /dev/video0 --out runs/webcam --duration 600 --rules alerts.json`)
    .action(async (input: string, o) => {
      const camera = o.config ? loadCamera(o.config) : undefined;
      const rules = o.rules ? loadAlertRules(o.rules) : undefined;
      const stop = new AbortController();
      process.once("SIGINT", () => stop.abort());
      const r = await watch({
        input, out: o.out, segmentSeconds: o.segment, durationSeconds: o.duration, until: o.until, signal: stop.signal,
        analyze: (seg) => ({ stride: o.stride, config: camera, segment: { name: seg.name, start: seg.start } }),
        log: (line) => process.stderr.write(`${line}\n`),
        onSegment: async (seg) => {
          if (seg.error) return void process.stderr.write(`smw: warning: segment ${seg.name}: ${seg.error}\n`);
          if (rules) await runAlerts({ runDir: seg.runDir, rules });
          console.log(`${seg.name}: ${seg.summary?.framesAnalysed ?? 0} frames, ${seg.summary?.tracks ?? 0} tracks -> ${seg.runDir}`);
        },
      });
      console.log(`stopped (${r.stoppedBy}) after ${r.segments.length} segments`);
      if (r.stoppedBy === "input-failed") throw new UserError(`${input}: the input failed; check the URL or device and that the camera is reachable`);
    });

  program
    .command("publish")
    .description("build the workbench for chosen runs as a self-contained static site (no server, no network needed)")
    .requiredOption("--runs <dirs...>", "run folder; a second one is the 'after' side of the Compare page")
    .requiredOption("--out <site>", "folder for the site (replaced)")
    .option("--config <camera.json>", "camera config for the runs (default: each run's camera.json)")
    .option("--sales <sales.csv>", "point-of-sale CSV (timestamp, amount[, transactions]) for the Sales page")
    .option("--verbose", "show Observable Framework's build output")
    .addHelpText("after", `
Examples:
  smw publish --runs runs/may --out site/may
  smw publish --runs runs/old-layout runs/new-layout --out site/layout-change --sales sales.csv`)
    .action(async (o) => {
      const r = await publishSite({ runs: o.runs, out: o.out, camera: o.config, sales: o.sales, log: o.verbose ? (line) => process.stderr.write(`${line}\n`) : () => {} });
      console.log(`${r.pages.length} pages, ${r.files} files in ${r.seconds.toFixed(0)} s -> ${r.out} (open index.html from any static host)`);
    });

  program
    .command("calibrate")
    .description("fit this camera's people counting (detector input size, score threshold, count model) to labelled frames; store it in the camera config")
    .requiredOption("--video <clip>", "a clip from the camera")
    .requiredOption("--counts <labels>", "labelled frames: frame,count CSV (frames from 1, e.g. saved by the Count audit page), frame,x,y head points, or JSON")
    .option("--roi <mask.png>", "counting region: PNG mask, white = counted (default: the whole picture)")
    .option("--config <camera.json>", "camera config to store the calibration in (created when missing)", "camera.json")
    .option("--input-sizes <list>", "model input sizes to try, e.g. 384x288,512x384 (default: 384 to 768 on the long side)")
    .option("--json", "print the calibration as JSON")
    .addHelpText("after", `
At most 20 labelled frames are used, spread over the ones given; pick busy and quiet moments.
smw analyze --config then counts with these settings, and smw report gives counts with intervals.

Examples:
  smw calibrate --video store.mp4 --counts demo-labels.csv --config camera.json
  smw calibrate --video mall.mp4 --counts counts.csv --roi roi_mask.png --config mall.json`)
    .action(async (o) => {
      const inputSizes = o.inputSizes
        ? String(o.inputSizes).split(",").map((v: string) => {
            try {
              return size(v.trim());
            } catch {
              throw new UserError(`--input-sizes: "${v}" must look like 384x288 (several separated by commas)`);
            }
          })
        : undefined;
      // one progress bar per detector pass (cached passes finish at once)
      let bar: ReturnType<typeof progressReporter> | undefined;
      let t0 = performance.now();
      const say = (m: string) => {
        bar?.stop();
        t0 = performance.now();
        if (o.json) return;
        if (!process.stderr.isTTY) process.stderr.write(`calibrate: ${m}\n`);
        bar = progressReporter(`calibrate: ${m}`);
      };
      let r;
      try {
        r = await calibrate({
          video: o.video, labels: o.counts, roi: o.roi, config: o.config, inputSizes, onProgress: say,
          onFrames: (done, total) => bar?.update({ framesDone: done, framesTotal: total, elapsed: (performance.now() - t0) / 1000 }),
        });
      } finally {
        bar?.stop();
      }
      console.log(o.json ? JSON.stringify(r.calibration) : formatCalibration(r));
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
