// The pipeline glue, in the order data flows: video -> frames -> detections -> tracks ->
// tables. Every stage lives in its own module; this file only wires them and keeps time.
import { accessSync, constants, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { UserError } from "../errors.ts";
import { Detector, DETECTOR_DEFAULTS } from "../detect/detector.ts";
import { chooseInputSize, DEFAULT_MANIFEST, loadManifest } from "../detect/manifest.ts";
import { temporalMedian, plateSize } from "../scene/background.ts";
import { heatmapOverPlate } from "../scene/heatmap-image.ts";
import { MotionAccumulator, resampleGray, toGray } from "../scene/motion.ts";
import { writeRgbPng } from "../store/png.ts";
import { ParquetWriter, type Schema } from "../store/parquet-writer.ts";
import { createTracker, repairTracks, type TrackerName } from "../track/index.ts";
import type { TrackRow } from "../types.ts";
import { FrameStream } from "../video/frames.ts";
import { probeVideo, type VideoInfo } from "../video/probe.ts";
import { sampleFrames } from "../video/sample-frames.ts";
import { writeMotFile } from "../eval/mot-text.ts";

export interface AnalyzeOptions {
  video: string;
  out: string;
  stride?: number;
  /** Model manifest path (default models/nanodet.json). */
  model?: string;
  /** Model input [w, h]; default keeps the manifest's long side and the video's aspect. */
  inputSize?: [number, number];
  scoreThreshold?: number;
  classes?: string[];
  tracker?: TrackerName;
  /** Offline track repair (gap interpolation + fragment stitching); on by default for files. */
  repair?: boolean;
  /** Longest gap, in seconds, that repair bridges. */
  repairGapSeconds?: number;
  /** Also write MOTChallenge text here. */
  mot?: string;
  /** Frames sampled for the background plate. */
  backgroundSamples?: number;
  threads?: number;
  onProgress?: (p: Progress) => void;
}

export interface Progress {
  framesDone: number;
  framesTotal: number;
  elapsed: number;
}

export interface StageTimings {
  background: number;
  decode: number;
  detect: number;
  track: number;
  motion: number;
  write: number;
  total: number;
}

export interface RunSummary {
  version: 1;
  createdAt: string;
  video: VideoInfo;
  model: { name: string; manifest: string; inputSize: [number, number]; scoreThreshold: number; iouThreshold: number; classes: string[] };
  options: { stride: number; tracker: string; backgroundSamples: number; repair: boolean; repairGapSeconds: number };
  analysisSize: [number, number];
  framesAnalysed: number;
  detections: number;
  trackPoints: number;
  tracks: number;
  timings: StageTimings;
  /** Motion grid size; one cell covers `cellPixels` source pixels on a side. */
  motion: { width: number; height: number; cellPixels: number; frames: number };
  background: { width: number; height: number; samples: number };
  /** Set when the input was damaged mid-way: what was decoded before is kept. */
  partial?: { error: string; lastFrame: number; lastSeconds: number };
  outputs: Record<string, string>;
}

// One set of tracking defaults for all footage (chosen on both TUD sequences together, see
// `npm run bench:mot`): a person hidden for up to 2 s keeps their id, online or by repair.
export const TRACK_BUFFER_SECONDS = 2;
export const REPAIR_GAP_SECONDS = 2;

/** The motion grid is the model input downsampled by this (192x144 for 4:3): 4x cheaper, plenty for a heatmap. */
export const MOTION_GRID_FACTOR = 2;

/** Lowest detection score ByteTrack's second association stage looks at. */
export const BYTETRACK_LOW_SCORE = 0.1;

export const DETECTION_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["class", "VARCHAR"],
];
export const TRACK_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["track_id", "INTEGER"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["interpolated", "BOOLEAN"],
];

export function ensureWritableDir(dir: string): void {
  try {
    if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error("exists and is not a folder");
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new UserError(`${dir}: cannot write results there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another --out folder`);
  }
}

export async function analyzeVideo(opts: AnalyzeOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const out = resolve(opts.out);
  const video = await probeVideo(opts.video);
  ensureWritableDir(out);
  const manifest = loadManifest(opts.model ?? DEFAULT_MANIFEST);
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const [iw, ih] = opts.inputSize ?? chooseInputSize(manifest, video.width, video.height);
  const trackerName = opts.tracker ?? "bytetrack";
  const scoreThreshold = opts.scoreThreshold ?? DETECTOR_DEFAULTS.scoreThreshold;
  // ByteTrack's second stage needs the low-score boxes a detection threshold would drop: the
  // detector decodes down to the tracker's floor, detections.parquet keeps only confident ones.
  const decodeFloor = trackerName === "bytetrack" ? Math.min(scoreThreshold, BYTETRACK_LOW_SCORE) : scoreThreshold;
  const detector = await Detector.load(manifest, {
    inputSize: [iw, ih],
    scoreThreshold: decodeFloor,
    classes: opts.classes,
    threads: opts.threads,
  });
  // Both trackers count time in source frames (FrameInfo.frame), so ByteTrack gets the source
  // frame rate; the centroid tracker's distance gate is per update, so it grows with the stride.
  const tracker = trackerName === "bytetrack"
    ? createTracker("bytetrack", { fps: video.fps, highThresh: scoreThreshold, lowThresh: decodeFloor, trackBufferSeconds: TRACK_BUFFER_SECONDS })
    : createTracker("centroid", { maxDistance: 50 * stride, minScore: scoreThreshold });
  const timings: StageTimings = { background: 0, decode: 0, detect: 0, track: 0, motion: 0, write: 0, total: 0 };

  // Background plate first: the motion stage diffs every frame against it.
  let tb = performance.now();
  const [pw, ph] = plateSize(video.width, video.height);
  const wantSamples = opts.backgroundSamples ?? 25;
  const samples = await sampleFrames(video.path, video.duration, { count: Math.min(wantSamples, video.frameCount), width: pw, height: ph });
  if (samples.frames.length === 0) throw new UserError(`${video.path}: no frame could be decoded; check the file plays, or re-encode it with ffmpeg`);
  const plate = temporalMedian(samples.frames);
  const motionFactor = MOTION_GRID_FACTOR;
  const plateGray = resampleGray(toGray(plate, "RGB", new Float32Array(pw * ph)), pw, ph, Math.floor(iw / motionFactor), Math.floor(ih / motionFactor));
  const motion = new MotionAccumulator(iw, ih, plateGray, { factor: motionFactor });
  writeRgbPng(join(out, "background.png"), plate, pw, ph);
  timings.background = (performance.now() - tb) / 1000;

  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const partsDir = join(out, ".parts");
  const detWriter = await ParquetWriter.open(conn, { table: "detections", schema: DETECTION_SCHEMA, file: join(out, "detections.parquet"), partsDir, orderBy: "frame, score DESC" });
  let trackRows: TrackRow[] = [];

  const frames = new FrameStream(video.path, { width: iw, height: ih, stride, pixFmt: "bgr24" });
  const framesTotal = Math.ceil(video.frameCount / stride);
  let analysed = 0;
  let lastFrame = -1;
  let tWait = performance.now();
  for await (const { frame, data } of frames) {
    const ta = performance.now();
    timings.decode += ta - tWait;
    const t = frame / video.fps;
    const dets = await detector.detect(data, "BGR", video.width, video.height);
    const tb2 = performance.now();
    const tracked = tracker.update(dets, { frame, t });
    const tc = performance.now();
    motion.add(data, "BGR");
    const td = performance.now();
    for (let i = 0; i < dets.count; i++) {
      if (dets.scores[i] < scoreThreshold) continue;
      const b = dets.boxes;
      detWriter.append([frame, t, b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], dets.scores[i], detector.classNames[dets.classes[i]]]);
    }
    for (let i = 0; i < tracked.count; i++) {
      const b = tracked.boxes;
      trackRows.push({ frame, t, trackId: tracked.trackIds[i], x1: b[4 * i], y1: b[4 * i + 1], x2: b[4 * i + 2], y2: b[4 * i + 3], score: tracked.scores[i], interpolated: false });
    }
    if (detWriter.chunkFull) await detWriter.commit();
    const te = performance.now();
    timings.detect += tb2 - ta;
    timings.track += tc - tb2;
    timings.motion += td - tc;
    timings.write += te - td;
    analysed++;
    lastFrame = frame;
    opts.onProgress?.({ framesDone: analysed, framesTotal, elapsed: (te - t0) / 1000 });
    tWait = performance.now();
  }
  for (const k of ["decode", "detect", "track", "motion"] as const) timings[k] /= 1000;
  if (analysed === 0) {
    throw new UserError(`${video.path}: no frame could be decoded (${frames.end.error ?? "ffmpeg produced no pictures"}); check the file plays, or re-encode it with ffmpeg`);
  }

  const tw = performance.now();
  const repair = opts.repair ?? true;
  const repairGapSeconds = opts.repairGapSeconds ?? REPAIR_GAP_SECONDS;
  if (repair) trackRows = repairTracks(trackRows, { stride, maxGapFrames: Math.round(repairGapSeconds * video.fps) });
  await detWriter.finish();
  const trackWriter = await ParquetWriter.open(conn, { table: "tracks", schema: TRACK_SCHEMA, file: join(out, "tracks.parquet"), partsDir, orderBy: "frame, track_id" });
  for (const r of trackRows) trackWriter.append([r.frame, r.t, r.trackId, r.x1, r.y1, r.x2, r.y2, r.score, r.interpolated]);
  await trackWriter.finish();
  await writeMotionGrid(conn, motion, join(out, "motion.parquet"));
  writeRgbPng(join(out, "motion_heatmap.png"), heatmapOverPlate(motion.grid, motion.width, motion.height, plate, pw, ph), pw, ph);
  if (opts.mot) await writeMotFile(opts.mot, trackRows);
  rmSync(partsDir, { recursive: true, force: true });
  conn.closeSync();
  db.closeSync();
  timings.write = (timings.write + performance.now() - tw) / 1000;
  timings.total = (performance.now() - t0) / 1000;

  const summary: RunSummary = {
    version: 1,
    createdAt: new Date().toISOString(),
    video,
    model: {
      name: manifest.name,
      manifest: manifest.path,
      inputSize: [iw, ih],
      scoreThreshold,
      iouThreshold: detector.iouThreshold,
      classes: opts.classes ?? DETECTOR_DEFAULTS.classes,
    },
    options: { stride, tracker: trackerName, backgroundSamples: samples.frames.length, repair, repairGapSeconds },
    analysisSize: [iw, ih],
    framesAnalysed: analysed,
    detections: detWriter.rows,
    trackPoints: trackRows.length,
    tracks: new Set(trackRows.map((r) => r.trackId)).size,
    timings,
    motion: { width: motion.width, height: motion.height, cellPixels: motionFactor * (video.width / iw), frames: motion.frames },
    background: { width: pw, height: ph, samples: samples.frames.length },
    partial: frames.end.error ? { error: frames.end.error, lastFrame, lastSeconds: lastFrame / video.fps } : undefined,
    outputs: {
      detections: "detections.parquet",
      tracks: "tracks.parquet",
      background: "background.png",
      motionHeatmap: "motion_heatmap.png",
      motionGrid: "motion.parquet",
      ...(opts.mot ? { mot: resolve(opts.mot) } : {}),
    },
  };
  writeFileSync(join(out, "run.json.tmp"), JSON.stringify(summary, null, 2));
  renameSync(join(out, "run.json.tmp"), join(out, "run.json"));
  return summary;
}

async function writeMotionGrid(conn: import("@duckdb/node-api").DuckDBConnection, motion: MotionAccumulator, file: string): Promise<void> {
  const w = await ParquetWriter.open(conn, {
    table: "motion",
    schema: [["x", "INTEGER"], ["y", "INTEGER"], ["value", "DOUBLE"]],
    file,
    partsDir: join(file, "..", ".parts"),
    chunkRows: Number.MAX_SAFE_INTEGER,
    orderBy: "y, x",
  });
  const { grid, width } = motion;
  for (let p = 0; p < grid.length; p++) w.append([p % width, Math.floor(p / width), grid[p]]);
  await w.finish();
}
