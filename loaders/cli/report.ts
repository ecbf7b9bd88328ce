// `smw report`: the headline numbers of one camera's runs for a window of time; for a dataset of several
// cameras (store=/camera=/date=/segment/), the same for each camera, read through its partitions' glob.
import { Command, Option } from "commander";
import { formatHeadline, headline, type Headline } from "../analytics/report.ts";
import { formatQueues, queueFigures, type QueueFigures } from "../analytics/queues.ts";
import type { Window } from "../analytics/queries.ts";
import { openAnalytics } from "../analytics/views.ts";
import { wallClockToDate } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { camerasOf, findRunDirs, runStartOf, type CameraRuns } from "../run/read.ts";
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
    .action(async (paths: string[], o: ReportOptions) => {
      const cameras = camerasOf(findRunDirs(paths), paths);
      if (cameras.length === 1) return void console.log(await cameraReport(cameras[0], o, Boolean(o.json)));
      // a dataset of several cameras (and stores): each with its own lines, zones and clock
      const parts: unknown[] = [];
      for (const c of cameras) parts.push(await cameraReport(c, o, true).then((j) => ({ store: c.store, camera: c.camera, segments: c.dirs.length, ...JSON.parse(j) })));
      if (o.json) return void console.log(JSON.stringify({ cameras: parts }));
      const text: string[] = [];
      for (const [i, c] of cameras.entries()) {
        text.push(`${c.store ? `store ${c.store}, ` : ""}camera ${c.camera} (${c.dirs.length} segment${c.dirs.length === 1 ? "" : "s"})`);
        const part = parts[i] as Headline & { queues?: QueueFigures[] };
        text.push(formatHeadline(part), ...(part.queues ? ["", ...formatQueues(part.queues)] : []), "");
      }
      console.log(text.join("\n").trimEnd());
    });
}

interface ReportOptions {
  config?: string;
  from?: string;
  to?: string;
  fromSeconds?: number;
  toSeconds?: number;
  daypart?: string;
  days?: Window["weekday"];
  segment?: string;
  json?: boolean;
}

/** The headline of one camera's runs (read through its glob in a dataset), as JSON or text. */
async function cameraReport(c: CameraRuns, o: ReportOptions, json: boolean): Promise<string> {
  const config = runCameraConfig(c.dirs[0], o.config);
  const tz = config?.timezone ?? "UTC";
  const at = (s: string | undefined, flag: string) => {
    if (s === undefined) return undefined;
    const d = wallClockToDate(s, tz);
    if (!d) throw new UserError(`${flag} ${s}: not a date and time; write it like 2024-05-18T10:00`);
    return d;
  };
  const window: Window = {
    start: at(o.from, "--from"), end: at(o.to, "--to"), fromSeconds: o.fromSeconds, toSeconds: o.toSeconds,
    daypart: o.daypart, weekday: o.days, segment: o.segment,
  };
  const a = await openAnalytics(c.glob ? { tracks: [c.glob], config } : { runs: c.dirs.map((dir) => ({ dir, start: runStartOf(dir, config) })), config });
  try {
    const h = await headline(a, window);
    // queues at the till, when the camera has a queue zone
    const queues = config?.zones.some((z) => z.kind === "queue") ? await queueFigures(a, window) : [];
    if (json) return JSON.stringify(queues.length ? { ...h, queues } : h);
    return [formatHeadline(h), ...(queues.length ? ["", ...formatQueues(queues)] : [])].join("\n");
  } finally {
    a.close();
  }
}
