// What a queue job is: one segment (one video file of one camera) with where its run folder goes
// in the store's dataset. Planning uses the same steps as `smw analyze` on a folder (expand the
// inputs, probe, wall-clock starts, partitioned layout), and the job id is the segment's identity,
// so BullMQ's own id check makes `queue add` idempotent.
import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import type { CameraConfig } from "../config/camera.ts";
import { UserError } from "../errors.ts";
import { planSegments, segmentStarts } from "../pipeline/segments.ts";
import { probeVideo } from "../video/probe.ts";

/** The BullMQ queue every command and worker uses (one queue per Redis database). */
export const QUEUE_NAME = "smw-segments";

/** Analysis choices carried by the job: the same for every segment added in one go. */
export interface JobSettings {
  stride?: number;
  model?: string;
  /** false: the detector on every frame (default: motion gating on). */
  motionGate?: false;
}

export interface SegmentJobData {
  store: string;
  camera: string;
  /** Local date of the segment's start (YYYY-MM-DD), "unknown" without a start. */
  date: string;
  segment: string;
  /** The segment's run folder, relative to the dataset root the worker is given. */
  path: string;
  /** Absolute paths: every worker machine must see the footage and the config at these paths. */
  video: string;
  config: string | null;
  /** Wall-clock start (ISO) or null. */
  start: string | null;
  /** Frames the analysis will look at (for ETA), null when the file could not be probed. */
  frames: number | null;
  size: number;
  mtimeMs: number;
  settings: JobSettings;
  /** Set when `queue add` could not read the file: the worker fails the job with this line. */
  unreadable?: string;
}

/** What a finished job returns (BullMQ stores it as the job's return value). */
export interface SegmentJobResult {
  status: "done" | "partial" | "already-done";
  framesAnalysed: number;
  /** Wall-clock seconds inside the analysis (analyzeSegment), and inside the whole job. */
  analysisSeconds: number;
  jobSeconds: number;
  /** The damage warning of a partial result (as `smw analyze` prints it, exit code 3). */
  warning?: string;
  /** Frames the motion gate let past the detector (run.json `motionGate.skipped`). */
  skipped?: number;
}

/** Progress as workers report it (job.updateProgress). */
export interface SegmentJobProgress {
  framesDone: number;
  framesTotal: number;
  /** Frames per second of this job so far. */
  fps: number;
}

/**
 * Job id: store, camera, segment name and the file's size and modification time. The same file
 * added twice gets the same id (BullMQ ignores the second add); a re-recorded file gets a new one.
 * BullMQ ids may not hold ':', so each part is URI-encoded.
 */
export function segmentJobId(d: Pick<SegmentJobData, "store" | "camera" | "segment" | "size" | "mtimeMs">): string {
  const part = (s: string) => encodeURIComponent(s).replaceAll(":", "%3A");
  return [part(d.store), part(d.camera), part(d.segment), `${d.size}-${Math.round(d.mtimeMs)}`].join("/");
}

/** A store id becomes a folder name (store=<id>): keep it to letters, digits, dot, dash and underscore. */
export function checkStoreId(store: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(store)) throw new UserError(`--store ${store}: use letters, digits, '.', '-' and '_' only (it names the dataset folder store=<id>)`);
  return store;
}

export interface PlannedJobs {
  jobs: SegmentJobData[];
  /** Files that could not be read: queued all the same, so the failure shows in `queue status`. */
  unreadable: string[];
}

/** One job per video of `videos` (already expanded from folders), in the layout of `smw analyze`. */
export async function planJobs(
  videos: string[],
  o: { store: string; config?: CameraConfig; configPath?: string; settings?: JobSettings },
): Promise<PlannedJobs> {
  const durations: number[] = [];
  const frames: (number | null)[] = [];
  const errors: (string | undefined)[] = [];
  const stride = Math.max(1, Math.floor(o.settings?.stride ?? 1));
  for (const v of videos) {
    if (!existsSync(v)) throw new UserError(`${v}: no such video file or folder; check the path`);
    try {
      const info = await probeVideo(v);
      durations.push(info.duration);
      frames.push(Math.ceil(info.frameCount / stride));
      errors.push(undefined);
    } catch (e) {
      if (!(e instanceof UserError)) throw e;
      durations.push(0);
      frames.push(null);
      errors.push(e.message);
    }
  }
  const starts = segmentStarts(videos, durations, o.config);
  // planned against a stand-in root: the job keeps the path relative to it, each worker its own root
  const root = resolve("/dataset");
  const plans = planSegments(videos, root, starts, o.config, o.store);
  const jobs = plans.map((p, i): SegmentJobData => {
    const path = relative(root, p.out);
    const [, camera, date] = path.split("/").map((s) => s.slice(s.indexOf("=") + 1));
    const st = statOrZero(p.video);
    const bad = errors[i];
    return {
      store: o.store, camera, date, segment: p.segment, path, video: resolve(p.video),
      config: o.configPath ? resolve(o.configPath) : null, start: p.start?.toISOString() ?? null,
      frames: frames[i], size: st.size, mtimeMs: st.mtimeMs, settings: o.settings ?? {},
      ...(bad ? { unreadable: bad } : {}),
    };
  });
  return { jobs, unreadable: errors.filter((e): e is string => e !== undefined) };
}

function statOrZero(path: string): { size: number; mtimeMs: number } {
  try {
    const st = statSync(path);
    return { size: st.size, mtimeMs: Math.round(st.mtimeMs) };
  } catch {
    return { size: 0, mtimeMs: 0 };
  }
}
