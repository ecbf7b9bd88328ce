// `smw export`: a run's tables as CSV files for spreadsheets; a dataset's runs (store=/camera=/date=/
// segment/, or any folder above run folders) each into the same place under --out.
import { Command, Option } from "commander";
import { existsSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { exportCsv } from "../ops/export-csv.ts";
import { findRunDirs } from "../run/read.ts";
import { positiveInt } from "./options.ts";

export function exportCommand(): Command {
  return new Command("export")
    .description("write a run's tables as CSV for spreadsheets: per-track summary, footfall per interval, people counted per frame, line events, zone visits, queues at the till, alerts")
    .argument("<run>", "run folder of smw analyze, or a dataset folder above run folders")
    .requiredOption("--out <dir>", "folder for the CSV files")
    .addOption(new Option("--format <format>", "file format").choices(["csv"]).default("csv"))
    .option("--interval <seconds>", "footfall interval", positiveInt("--interval"), 60)
    .addHelpText("after", `
Examples:
  smw export data/runs/demo --out exports/demo --interval 10
  smw export dataset/ --out exports/   # every segment: exports/store=.../camera=.../date=.../<segment>/`)
    .action(async (run: string, o) => {
      if (existsSync(join(run, "run.json"))) {
        const r = await exportCsv(run, o.out, { intervalSeconds: o.interval });
        return void console.log(`${r.files.length} CSV files -> ${o.out}: ${r.files.map((f) => basename(f)).join(", ")}`);
      }
      const runs = findRunDirs([run]);
      let files = 0;
      for (const dir of runs) files += (await exportCsv(dir, join(o.out, relative(run, dir)), { intervalSeconds: o.interval })).files.length;
      console.log(`${files} CSV files of ${runs.length} segments -> ${o.out} (one folder per segment, as in ${run})`);
    });
}
