// `smw annotate`: a run drawn onto its video, optionally with people blurred.
import { Command } from "commander";
import { annotateVideo } from "../ops/annotate.ts";
import { runCameraConfig } from "./options.ts";
import { progressReporter } from "./progress.ts";

export function annotateCommand(): Command {
  return new Command("annotate")
    .description("draw boxes, track ids, trails, lines, zones and counts on a video from its run; optionally blur people")
    .argument("<video>", "the video the run analysed")
    .requiredOption("--run <dir>", "run folder of smw analyze")
    .requiredOption("--out <file.mp4>", "annotated video")
    .option("--config <camera.json>", "draw this camera config's lines and zones (default: the run's camera.json)")
    .option("--blur-people", "blur every detected person (privacy)")
    .option("--no-overlays", "no drawing (with --blur-people: a plain redacted copy)")
    .action(async (video: string, o) => {
      const config = runCameraConfig(o.run, o.config);
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
}
