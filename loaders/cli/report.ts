// `smw report`: the headline numbers of one camera's runs for a window of time.
import { Command, Option } from "commander";
import { formatHeadline, headline } from "../analytics/report.ts";
import { openAnalytics } from "../analytics/views.ts";
import { wallClockToDate } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { findRunDirs, runStartOf } from "../run/read.ts";
import { runCameraConfig } from "./options.ts";

export function reportCommand(): Command {
  return new Command("report")
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
      const config = runCameraConfig(dirs[0], o.config);
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
}
