// `smw calibrate`: fit this camera's people counting to labelled frames, stored in its config.
import { Command } from "commander";
import { calibrate, formatCalibration } from "../count/calibrate.ts";
import { UserError } from "../errors.ts";
import { size } from "./options.ts";
import { progressReporter } from "./progress.ts";

export function calibrateCommand(): Command {
  return new Command("calibrate")
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
}
