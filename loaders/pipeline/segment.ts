// The one recipe for "analyse one segment of one camera": the camera config (lines, zones, start,
// time zone) and its count calibration, the analysis itself, the config copied beside the run (the
// pages and `smw report` read it there), and the line/zone tables. `smw analyze`, `smw watch`, the
// site's own demo run and queue workers all call this, so a run made one way equals a run made
// another. It prints nothing and never exits: progress goes to `onProgress`, problems are thrown
// (UserError for bad input, AnalysisAborted when `signal` stopped it).
import { copyFileSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import { writeRunAnalytics } from "../analytics/run-tables.ts";
import { writeSnapshots, type SnapshotMode } from "../analytics/snapshots.ts";
import { loadCameraConfig, type CameraConfig } from "../config/camera.ts";
import { withRegion, type LoadedCalibration } from "../count/config.ts";
import type { Progress, RunSummary } from "../run/contract.ts";
import { DEFAULT_MANIFEST, loadManifest } from "../detect/manifest.ts";
import { analyzeVideo, type AnalysisSettings } from "./analyze.ts";
import { checkClasses } from "./class-tracks.ts";
import { segmentStarts } from "./segments.ts";

/** A camera config read and checked once, with its calibration's region mask loaded. */
export interface CameraSetup {
  path: string;
  config: CameraConfig;
  calibration?: LoadedCalibration;
}

export function loadCamera(path: string): CameraSetup {
  const config = loadCameraConfig(path);
  return { path, config, calibration: config.calibration ? withRegion(config.calibration, path) : undefined };
}

export interface SegmentJob extends AnalysisSettings {
  video: string;
  /** The segment's run folder. */
  out: string;
  /** Camera config: a path, or one loadCamera() already read. Without it: no lines, zones or calibration. */
  config?: string | CameraSetup;
  /**
   * The segment's name (default: the video's file name) and the wall-clock time of its first
   * frame (default: a YYYYmmdd_HHMMSS stamp in the file name, else the config's `start`).
   */
  segment?: { name?: string; start?: Date | null };
  onProgress?: (p: Progress) => void;
  /** Things worth telling the user that do not stop the job (e.g. `resume` found no checkpoint). */
  onWarning?: (message: string) => void;
  /** Stops at the next frame boundary leaving a checkpoint; the same job with `resume: true` continues. */
  signal?: AbortSignal;
  /** Stills of the line crossings and display-zone entries (analytics/snapshots.ts); default blurred. */
  snapshots?: SnapshotMode;
}

export interface SegmentOutcome {
  summary: RunSummary;
  /** Rows of events.parquet and zone_visits.parquet, and the snapshots taken; null without a camera config. */
  analytics: { events: number; zoneVisits: number; snapshots: number } | null;
}

export async function analyzeSegment(job: SegmentJob): Promise<SegmentOutcome> {
  const { video, out, config, segment, snapshots, ...settings } = job;
  const camera = typeof config === "string" ? loadCamera(config) : config;
  const start = segment?.start !== undefined ? segment.start : segmentStarts([video], [0], camera?.config)[0];
  const asked = settings.classes ?? camera?.config.classes;
  const classes = asked && checkClasses(asked, loadManifest(settings.model ?? DEFAULT_MANIFEST), settings.classes ? "--classes" : `${camera!.path}: classes`);
  const summary = await analyzeVideo({
    ...settings,
    classes,
    video,
    out,
    calibration: camera?.calibration,
    entrances: camera?.config.zones.filter((z) => z.kind === "entrance").map((z) => z.polygon),
    segment: {
      name: segment?.name ?? basename(video, extname(video)),
      camera: camera?.config.camera ?? "camera",
      start,
      timezone: camera?.config.timezone ?? "UTC",
    },
  });
  if (!camera) return { summary, analytics: null };
  const copy = join(out, "camera.json");
  if (resolve(camera.path) !== resolve(copy)) copyFileSync(camera.path, copy);
  const tables = await writeRunAnalytics(out, camera.config);
  return { summary, analytics: { ...tables, snapshots: await writeSnapshots(out, snapshots ?? "blurred") } };
}
