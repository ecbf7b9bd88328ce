// `smw eval`: tracking results scored against MOTChallenge ground truth.
import { Command } from "commander";
import { existsSync } from "node:fs";
import { UserError } from "../errors.ts";
import { evaluateMot, formatMetrics } from "../eval/mot-metrics.ts";
import { readMotFile } from "../eval/mot-text.ts";
import { fraction } from "./options.ts";

export function evalCommand(): Command {
  return new Command("eval")
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
}
