// `smw export`: a run's tables as CSV files for spreadsheets.
import { Command, Option } from "commander";
import { basename } from "node:path";
import { exportCsv } from "../ops/export-csv.ts";
import { positiveInt } from "./options.ts";

export function exportCommand(): Command {
  return new Command("export")
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
}
