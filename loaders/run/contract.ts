// The run contract: what `smw analyze` writes into run.json and every reader (analytics, operations,
// the pages' loaders) reads back. One type, so a writer and its readers cannot drift apart; old
// files are upgraded on reading (read.ts), never by the readers themselves.
import type { CountingSummary } from "../count/count-stage.ts";
import type { VideoInfo } from "../video/probe.ts";

export const RUN_JSON = "run.json";

/**
 * The four score thresholds of a run, one name each. `detect`: a box is a person for tracking
 * (and for the run's detections); `decodeFloor`: the lowest score the detector decodes (ByteTrack's
 * second association looks below `detect`); `count`: a box counts towards the people count (a
 * calibration may lower it); `keep`: detections.parquet keeps boxes from here (the lower of detect
 * and count).
 */
export interface Thresholds {
  detect: number;
  decodeFloor: number;
  count: number;
  keep: number;
}

export interface StageTimings {
  background: number;
  decode: number;
  detect: number;
  track: number;
  motion: number;
  /** Static-object flags and people counts (on the motion stage's grid). */
  count: number;
  write: number;
  total: number;
  /** Seconds the main thread sat idle waiting for the detector's thread, and for the background plate (runs since the detector got its own thread). */
  detectWait?: number;
  plateWait?: number;
}

/** Where a segment sits in a camera's day, as run.json records it. */
export interface SegmentRecord {
  name: string;
  camera: string;
  /** Wall-clock instant of the first frame (ISO), null when unknown. */
  start: string | null;
  timezone: string;
}

export interface RunSummary {
  version: 1;
  createdAt: string;
  video: VideoInfo;
  /** `file`: the ONNX file that ran (a manifest may hold one per span of input sizes); absent in older runs. */
  model: { name: string; manifest: string; file?: string; inputSize: [number, number]; iouThreshold: number; classes: string[] };
  thresholds: Thresholds;
  options: { stride: number; tracker: string; backgroundSamples: number; repair: boolean; repairGapSeconds: number; resumedFromFrame?: number };
  analysisSize: [number, number];
  framesAnalysed: number;
  detections: number;
  trackPoints: number;
  tracks: number;
  /** Offline association: the online tracker's tracklets, and the people they were linked into (= tracks). Absent in older runs. */
  tracking?: { tracklets: number; people: number };
  timings: StageTimings;
  /** Motion grid size; one cell covers `cellPixels` source pixels on a side. */
  motion: { width: number; height: number; cellPixels: number; frames: number };
  background: { width: number; height: number; samples: number };
  segment?: SegmentRecord;
  /** People counts per frame (counts.parquet) and static-object suppression; absent in runs made before counting. */
  counting?: CountingSummary;
  /**
   * Motion gating: frames whose difference from the plate inside the counting region stayed under
   * `threshold` (share of the region's motion cells) skipped the detector. Absent in older runs.
   */
  motionGate?: { enabled: boolean; threshold: number; skipped: number };
  /** Set when the input was damaged mid-way: what was decoded before is kept. */
  partial?: { error: string; lastFrame: number; lastSeconds: number };
  outputs: Record<string, string>;
}

/** Progress of one analysis, as onProgress hears it. */
export interface Progress {
  framesDone: number;
  framesTotal: number;
  elapsed: number;
}

/** Analysed frames are 0, stride, 2*stride, ... of the source. */
export function runStride(run: Pick<RunSummary, "options">): number {
  return Math.max(1, Math.floor(run.options?.stride || 1));
}

/** Seconds of real time one analysed frame stands for (stride / fps): the weight of one observation. */
export function frameSeconds(run: Pick<RunSummary, "options" | "video">): number {
  return runStride(run) / run.video.fps;
}

/** The source frames the run analysed: 0, stride, 2*stride, ... up to the last analysed frame. */
export function analysedFrameRange(run: Pick<RunSummary, "options" | "partial" | "framesAnalysed">): { stride: number; last: number } {
  const stride = runStride(run);
  const last = run.partial?.lastFrame ?? (run.framesAnalysed - 1) * stride;
  return { stride, last: Math.max(last, (run.framesAnalysed - 1) * stride) };
}
