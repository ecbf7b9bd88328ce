// `smw simulate`: rendered store footage with exact ground truth (loaders/simulate).
import { existsSync, mkdirSync, statSync } from "node:fs";
import { Command, InvalidArgumentError } from "commander";
import { UserError } from "../errors.ts";
import { simulate } from "../simulate/simulate.ts";
import { progressReporter } from "./progress.ts";

function wholeNumber(flag: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${flag} must be a whole number >= ${min}`);
    return n;
  };
}

export function simulateCommand(): Command {
  return new Command("simulate")
    .description("render store footage from real people cut out of the bundled clips, walking a scenario, with exact ground truth beside it")
    .argument("<scenario...>", "scenario.json, one per camera (cameras of one store share its store id)")
    .requiredOption("--out <dir>", "footage folder: one sub-folder per camera with its segments, ground truth and truth.json")
    .option("--days <n>", "render this many days (default: the scenario's clock.days)", wholeNumber("--days", 1))
    .option("--seed <n>", "random seed: the same seed gives the same footage and truth", wholeNumber("--seed", 0), 1)
    .option("--no-video", "plan and write the ground truth only (no video files)")
    .option("--quiet", "no progress output")
    .addHelpText("after", `
Writes <out>/<camera>/<camera>_<YYYYmmdd_HHMMSS>.mp4 with <segment>.gt.txt (MOT ground truth),
camera.json, truth/<segment>/ (run folders of the true boxes: smw report reads them) and truth.json.

Examples:
  smw simulate data/scenarios/front.json --out footage/ --days 1
  smw simulate data/scenarios/front.json data/scenarios/side.json --out footage/ --seed 7
  smw analyze footage/front/ --out runs/front --config footage/front/camera.json
  smw report footage/front/truth          # the true figures, to hold against smw report runs/front`)
    .action(async (scenarios: string[], o: { out: string; days?: number; seed: number; video: boolean; quiet?: boolean }) => {
      if (existsSync(o.out) && !statSync(o.out).isDirectory()) throw new UserError(`--out ${o.out}: is a file; pass a folder for the footage`);
      try {
        mkdirSync(o.out, { recursive: true });
      } catch (e) {
        throw new UserError(`--out ${o.out}: cannot create the folder (${(e as NodeJS.ErrnoException).code ?? e}); pick a writable place`);
      }
      for (const scenario of scenarios) {
        const progress = progressReporter(`simulate ${scenario}`, { quiet: o.quiet });
        const say = (m: string) => (o.quiet ? undefined : process.stderr.write(`simulate: ${m}\n`));
        let r;
        try {
          r = await simulate({ scenario, out: o.out, days: o.days, seed: o.seed, video: o.video, log: say, onProgress: (p) => progress.update(p) });
        } finally {
          progress.stop();
        }
        const speed = o.video ? `, ${(r.frames / r.renderSeconds).toFixed(0)} frames/s rendered and encoded` : "";
        console.log(`${r.camera}: ${r.segments.length} segments, ${r.frames} frames${speed} -> ${r.dir} (truth: ${r.dir}/truth.json)`);
      }
    });
}
