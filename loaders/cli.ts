// `smw`: the command line over the pipeline. Only this edge turns errors into messages and
// exit codes (0 done, 2 bad input or usage, 3 partial result, 1 internal error).
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { UserError } from "./errors.ts";
import { analyzeVideo } from "./pipeline/analyze.ts";
import { progressReporter } from "./cli/progress.ts";
import { evaluateMot, formatMetrics } from "./eval/mot-metrics.ts";
import { readMotFile } from "./eval/mot-text.ts";
import { existsSync } from "node:fs";

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
    .argument("<video...>", "video file(s) of one camera")
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
  smw analyze store.mp4 --out runs/store --resume      # after a crash or Ctrl-C`)
    .action(async (videos: string[], o) => {
      if (videos.length > 1) throw new UserError("analysing several segments at once is not supported yet; run smw analyze once per file");
      const progress = progressReporter(`analyze ${videos[0]}`, { quiet: o.quiet || o.json });
      let summary;
      try {
        summary = await analyzeVideo({
          video: videos[0],
          out: o.out,
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
      if (o.json) console.log(JSON.stringify(summary));
      else if (!o.quiet) {
        const fps = summary.framesAnalysed / summary.timings.total;
        console.log(`${summary.framesAnalysed} frames analysed in ${summary.timings.total.toFixed(1)} s (${fps.toFixed(1)} frames/s): ${summary.detections} detections, ${summary.tracks} tracks -> ${o.out}`);
      }
      if (summary.partial) {
        throw new UserError(`${videos[0]}: damaged after ${summary.partial.lastSeconds.toFixed(1)} s (${summary.partial.error}); kept the ${summary.framesAnalysed} frames decoded before it`, 3);
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
