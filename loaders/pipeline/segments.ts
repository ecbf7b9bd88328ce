// A day of footage from one camera arrives as many files. Each becomes a segment with its own
// wall-clock start and its own run folder, laid out as a Hive-partitioned dataset
// (camera=<id>/date=<YYYY-MM-DD>/<segment>/, under store=<id>/ in a store's dataset) so DuckDB can
// query all of them together.
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { type CameraConfig, startFromFileName, wallClockToDate } from "../config/camera.ts";
import { UserError } from "../errors.ts";

const VIDEO_EXTENSIONS = new Set([".mp4", ".avi", ".mkv", ".mov", ".m4v", ".ts", ".mts", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".h264", ".264"]);

/** Files as given; folders replaced by the video files inside them, in name (= time) order. */
export function expandVideoInputs(inputs: string[]): string[] {
  return inputs.flatMap((input) => {
    if (!existsSync(input) || !statSync(input).isDirectory()) return [input];
    const videos = readdirSync(input)
      .filter((f) => VIDEO_EXTENSIONS.has(extname(f).toLowerCase()))
      .sort()
      .map((f) => join(input, f));
    if (videos.length === 0) throw new UserError(`${input}: folder holds no video files (${[...VIDEO_EXTENSIONS].slice(0, 4).join(", ")}, ...); pass the videos themselves`);
    return videos;
  });
}

export interface SegmentPlan {
  video: string;
  /** Run folder of this segment. */
  out: string;
  segment: string;
  start: Date | null;
}

/** Local calendar date of an instant in a time zone, as YYYY-MM-DD. */
export function localDate(d: Date, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" }).format(d);
}

/**
 * Wall-clock start of each segment: the time in its file name when it has one; else the
 * config's `start` for the first segment and, for the next ones, the previous start plus the
 * previous duration (back-to-back recording).
 */
export function segmentStarts(videos: string[], durations: number[], config?: CameraConfig): (Date | null)[] {
  const tz = config?.timezone ?? "UTC";
  const starts: (Date | null)[] = [];
  videos.forEach((v, i) => {
    const named = startFromFileName(v);
    if (named) starts.push(wallClockToDate(named, tz));
    else if (i === 0) starts.push(config?.start ? wallClockToDate(config.start, tz) : null);
    else {
      const prev = starts[i - 1];
      starts.push(prev ? new Date(prev.getTime() + durations[i - 1] * 1000) : null);
    }
  });
  return starts;
}

/**
 * One video keeps the plain `--out` folder; several become a partitioned dataset under it. With a
 * `store`, every video goes into the store's dataset (store=<id>/camera=<id>/date=<YYYY-MM-DD>/<segment>/),
 * one or many: the layout queue workers fill and `smw report` reads.
 */
export function planSegments(videos: string[], out: string, starts: (Date | null)[], config?: CameraConfig, store?: string): SegmentPlan[] {
  if (videos.length === 1 && store === undefined) return [{ video: videos[0], out, segment: basename(videos[0], extname(videos[0])), start: starts[0] }];
  const camera = config?.camera ?? "camera";
  const root = store === undefined ? out : join(out, `store=${store}`);
  const used = new Set<string>();
  return videos.map((video, i) => {
    let segment = basename(video, extname(video));
    for (let k = 2; used.has(segment); k++) segment = `${basename(video, extname(video))}-${k}`;
    used.add(segment);
    const start = starts[i];
    const date = start ? localDate(start, config?.timezone ?? "UTC") : "unknown";
    return { video, segment, start, out: join(root, `camera=${camera}`, `date=${date}`, segment) };
  });
}
