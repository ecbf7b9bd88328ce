// The analysis of one video, wired from its stages in the order data flows: frames from ffmpeg ->
// motion -> detect (skipped on quiet frames: motion-gate.ts) -> count -> track -> write. Each stage
// lives in its own module (stage.ts says what they share); this file resolves the settings, runs
// the frame loop, commits chunks with a checkpoint, keeps time, and writes run.json. The detector
// runs in its own thread on frames read ahead (lookahead.ts) while the main thread finishes earlier
// frames in order (in-order.ts), and reading starts while the background plate is still built.
import { rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { DETECTOR_DEFAULTS } from "../detect/detector.ts";
import { chooseInputSize, DEFAULT_MANIFEST, loadManifest, modelFile, type ModelManifest } from "../detect/manifest.ts";
import type { LoadedCalibration } from "../count/config.ts";
import { AnalysisAborted, UserError } from "../errors.ts";
import { checkMotWritable, writeMotFromParquet } from "../eval/mot-text.ts";
import type { Progress, RunSummary, StageTimings, Thresholds } from "../run/contract.ts";
import { writeRun } from "../run/read.ts";
import { runThresholds, TRACKING_SCORE } from "../run/thresholds.ts";
import { openDuckDb, query, sqlString, type DuckSession } from "../store/duckdb.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import type { Point } from "../geometry/plane.ts";
import type { TrackerName } from "../track/index.ts";
import { FrameStream, type StreamEnd } from "../video/frames.ts";
import { probeVideo, type VideoInfo } from "../video/probe.ts";
import { lockRun, readCheckpoint, runIdentity, writeCheckpoint } from "./checkpoint.ts";
import { CountingStage } from "./counting-stage.ts";
import type { DetectorPool } from "../detect/detector-thread.ts";
import { StageClock } from "./clock.ts";
import { startDetector } from "./detect-stage.ts";
import { InOrder } from "./in-order.ts";
import { Lookahead } from "./lookahead.ts";
import { MOTION_GATE_THRESHOLD, MotionGate } from "./motion-gate.ts";
import { MOTION_GRID_FACTOR, MotionStage } from "./motion-stage.ts";
import { replay } from "./replay.ts";
import type { Stage } from "./stage.ts";
import { DetectionTable, TrackTable } from "./tables.ts";
import { REPAIR_GAP_SECONDS } from "./track-stage.ts";
import { ClassTrackStages } from "./class-tracks.ts";

/** How to analyse: the choices a user (or a queue job) makes, the same for every segment of a camera. */
export interface AnalysisSettings {
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
  /** Analysed frames per committed chunk (detections part file + checkpoint). */
  chunkFrames?: number;
  /** Continue an interrupted run in `out` from its last committed chunk. */
  resume?: boolean;
  /** Motion gating: the share of the counting region that must differ from the plate for the detector to run (motion-gate.ts); false: detect on every frame. */
  motionGate?: number | false;
}

export interface AnalyzeOptions extends AnalysisSettings {
  video: string;
  out: string;
  /** Where this video sits in a camera's day: recorded in run.json for the analytics. */
  segment?: SegmentInfo;
  /**
   * The camera's counting calibration (`smw calibrate`, read from the camera config): its model
   * input size becomes the analysis size, and people counts use its threshold, region and model.
   */
  calibration?: LoadedCalibration;
  onProgress?: (p: Progress) => void;
  /** Things worth telling the user that do not stop the analysis (the pipeline itself prints nothing). */
  onWarning?: (message: string) => void;
  /** Entrance polygons of the camera (source pixels): tracking treats them like the picture's edges. */
  entrances?: readonly (readonly Point[])[];
  /** Stops at the next frame boundary, commits what was analysed as a checkpoint (resumable with `resume`) and rejects with AnalysisAborted. */
  signal?: AbortSignal;
}

export interface SegmentInfo {
  name: string;
  camera: string;
  /** Wall-clock time of the first frame, when known. */
  start: Date | null;
  timezone: string;
}

/** Analysed frames between commits: at most this much work is redone after a crash. */
export const CHUNK_FRAMES = 500;

/**
 * Memory the frames read ahead while the plate is built may hold (their luma on the motion grid):
 * 250 frames at the default input, 62 at 768x576. Bounded, so memory stays flat however long the video.
 */
export const READ_AHEAD_BYTES = 28 * 2 ** 20;

/** The settings resolved against the video and the model: what the stages are built from. */
interface Plan {
  manifest: ModelManifest;
  stride: number;
  inputSize: [number, number];
  thresholds: Thresholds;
  tracker: TrackerName;
  classes: string[];
  repair: boolean;
  repairGapSeconds: number;
  chunkFrames: number;
  /** Gate threshold, null when gating is off. */
  motionGate: number | null;
}

/** A count option (stride, chunk size): library callers pass numbers the CLI never would (NaN, 0.5). */
function countOption(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 1) throw new UserError(`${name} must be a whole number of at least 1, not ${value}`);
  return Math.floor(value);
}

function plan(opts: AnalyzeOptions, video: VideoInfo): Plan {
  const manifest = loadManifest(opts.model ?? DEFAULT_MANIFEST);
  const cal = opts.calibration?.calibration;
  const inputSize = opts.inputSize ?? cal?.inputSize ?? chooseInputSize(manifest, video.width, video.height);
  const k = manifest.input.multipleOf;
  if (inputSize[0] % k || inputSize[1] % k) throw new UserError(`input size ${inputSize.join("x")}: both sides must be multiples of ${k} for ${manifest.name}`);
  const tracker = opts.tracker ?? "bytetrack";
  return {
    manifest, inputSize, tracker,
    stride: countOption(opts.stride, 1, "stride"),
    thresholds: runThresholds({
      detect: opts.scoreThreshold ?? cal?.scoreThreshold ?? (tracker === "bytetrack" ? TRACKING_SCORE : DETECTOR_DEFAULTS.scoreThreshold),
      count: cal?.scoreThreshold ?? opts.scoreThreshold ?? DETECTOR_DEFAULTS.scoreThreshold,
      tracker,
    }),
    classes: opts.classes ?? DETECTOR_DEFAULTS.classes,
    repair: opts.repair ?? true,
    repairGapSeconds: opts.repairGapSeconds ?? REPAIR_GAP_SECONDS,
    chunkFrames: countOption(opts.chunkFrames, CHUNK_FRAMES, "chunkFrames"),
    motionGate: opts.motionGate === false ? null : (opts.motionGate ?? MOTION_GATE_THRESHOLD),
  };
}

export async function analyzeVideo(opts: AnalyzeOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const out = resolve(opts.out);
  const video = await probeVideo(opts.video);
  ensureWritableDir(out);
  if (opts.mot) checkMotWritable(opts.mot); // a bad --mot path fails now, not after the video
  const p = plan(opts, video);
  const { stride, inputSize: [iw, ih], thresholds } = p;
  // the model loads in its thread while the plate is sampled
  const starting = startDetector(p.manifest, { inputSize: p.inputSize, thresholds, classes: p.classes, threads: opts.threads });
  starting.catch(() => {});
  const timings: StageTimings = { background: 0, decode: 0, detect: 0, track: 0, motion: 0, count: 0, write: 0, total: 0 };
  const clock = new StageClock();
  let releaseLock: (() => void) | undefined;
  let session: DuckSession | undefined;
  let detector: DetectorPool | undefined;
  let ahead: Lookahead | undefined;
  try {
    releaseLock = lockRun(out);
    session = await openDuckDb();
    const { conn } = session;
    const partsDir = join(out, ".parts");
    const calibration = opts.calibration;
    const identity = runIdentity(video.path, {
      model: p.manifest.path, inputSize: p.inputSize, stride, trackerName: p.tracker, scoreThreshold: thresholds.detect, decodeFloor: thresholds.decodeFloor,
      classes: p.classes, calibration: calibration?.calibration ?? null, roi: calibration?.roiPath ?? null, motionGate: p.motionGate,
    });
    const previous = opts.resume ? readCheckpoint(partsDir) : undefined;
    if (opts.resume && !previous) opts.onWarning?.(`${out}: nothing to resume, starting from the first frame`);
    if (previous && previous.identity !== identity) {
      throw new UserError(`${out}: the unfinished run there used another video or other options; rerun without --resume to start over, or use the same options`);
    }
    if (!previous) rmSync(partsDir, { recursive: true, force: true });
    // the one whole-table sort (tracks) spills to disk past this instead of growing with the video
    await conn.run(`SET memory_limit = '512MB'; SET temp_directory = ${sqlString(join(partsDir, "spill"))}`);

    // the plate takes seconds (a decoding pass, or a seek per sample): frames are read and detected meanwhile (lookahead.ts)
    const tb = performance.now();
    const building = MotionStage.create(conn, out, video, p.inputSize, opts.backgroundSamples, calibration?.roi).finally(() => (timings.background = (performance.now() - tb) / 1000));
    building.catch(() => {});
    detector = await clock.wait("start", starting);
    const frames = new FrameStream(video.path, { width: iw, height: ih, stride, pixFmt: "bgr24", startFrame: previous ? previous.lastFrame + stride : 0 });
    ahead = new Lookahead(frames, detector, clock, {
      frameSize: p.inputSize, factor: MOTION_GRID_FACTOR, source: video, inflight: 2 * detector.size, ahead: 2 * detector.size + 2,
      maxAhead: Math.max(4, Math.floor(READ_AHEAD_BYTES / (4 * Math.floor(iw / MOTION_GRID_FACTOR) * Math.floor(ih / MOTION_GRID_FACTOR)))),
    });
    const motion = await clock.wait("plate", building);
    // the motion stage goes first: the gate reads its test before the detector runs
    const gate = p.motionGate === null ? undefined : new MotionGate(p.motionGate, motion.motion.regionCells, previous?.motionSkipped);
    ahead.setPlate({ compare: (g, b) => motion.motion.compare(g, b), wants: gate ? (c) => gate.wants(c) : null });

    const counting = await CountingStage.open(conn, out, {
      inputSize: p.inputSize, sourceWidth: video.width, sourceHeight: video.height, plateGray: motion.plateGray, scoreThreshold: thresholds.count,
      calibration: calibration?.calibration, roi: calibration?.roi, roiPath: calibration?.roiPath, rawParts: previous?.countParts,
    });
    const detections = await DetectionTable.open(conn, out, { classNames: detector.classNames, keep: thresholds.keep, parts: previous?.parts });
    const tracks = await TrackTable.open(conn, out, (rows) => counting.staticTracks(rows), (r) => counting.counter.inRegion(r.x1, r.y1, r.x2, r.y2));
    const track = new ClassTrackStages(p.classes.map((c) => detector!.classNames.indexOf(c)), detector.classNames, {
      tracker: p.tracker, thresholds, fps: video.fps, stride, repair: p.repair, repairGapSeconds: p.repairGapSeconds,
      frameSize: [video.width, video.height], entrances: opts.entrances,
    },
      (rows, className) => tracks.write(rows, className), (frame) => counting.forget(frame));
    const stages: Stage[] = [motion, counting, track, detections];
    const inOrder = new InOrder(motion.motion, gate, [counting, track, detections], clock, video.fps);

    let analysed = previous?.framesAnalysed ?? 0;
    let lastFrame = previous?.lastFrame ?? -1;
    let lastSeconds = 0;
    if (previous) await replay(conn, partsDir, previous, { motion, counting, track, detections }, { classNames: detector.classNames, stride, fps: video.fps });
    /** Everything analysed so far into part files, and the checkpoint that names them. */
    const commitChunk = () => clock.runAsync("write", async () => {
      for (const s of stages) await s.commit(lastFrame);
      writeCheckpoint(partsDir, {
        version: 1, identity, lastFrame, framesAnalysed: analysed, parts: detections.writer.partNames, countParts: counting.raw.partNames, motionFrames: motion.motion.frames,
        motionSkipped: gate?.skipped,
      }, motion.motion.grid);
    });

    const framesTotal = Math.ceil(video.frameCount / stride);
    let sinceCommit = 0;
    for await (const a of ahead) {
      if (opts.signal?.aborted) {
        if (sinceCommit > 0) await commitChunk();
        throw new AnalysisAborted(out, lastFrame, analysed, opts.signal.reason);
      }
      const f = await inOrder.finish(a);
      ahead.release(a);
      analysed++;
      lastFrame = f.frame;
      lastSeconds = f.t;
      if (++sinceCommit >= p.chunkFrames) {
        await commitChunk();
        sinceCommit = 0;
      }
      opts.onProgress?.({ framesDone: analysed, framesTotal, elapsed: (performance.now() - t0) / 1000 });
    }
    if (analysed === 0) {
      throw new UserError(`${video.path}: no frame could be decoded (${frames.end.error ?? "ffmpeg produced no pictures"}); check the file plays, or re-encode it with ffmpeg`);
    }

    const tw = performance.now();
    for (const s of stages) await s.finish();
    await tracks.finish();
    if (opts.mot) await writeMotFromParquet(conn, join(out, "tracks.parquet"), opts.mot);
    const [{ n: detectionCount }] = await query<{ n: number }>(session, `SELECT count(*)::INTEGER AS n FROM read_parquet(${sqlString(join(out, "detections.parquet"))})`);
    rmSync(partsDir, { recursive: true, force: true });
    for (const k of ["decode", "track", "motion", "count"] as const) timings[k] = clock.seconds(k);
    timings.detect = detector.busyMs / 1000;
    timings.detectWait = clock.seconds("detectWait");
    timings.plateWait = clock.seconds("plate");
    timings.write = clock.seconds("write") + (performance.now() - tw) / 1000;
    timings.total = (performance.now() - t0) / 1000;

    const summary: RunSummary = {
      version: 1,
      createdAt: new Date().toISOString(),
      video,
      model: { name: p.manifest.name, manifest: p.manifest.path, file: modelFile(p.manifest, p.inputSize), inputSize: p.inputSize, iouThreshold: detector.iouThreshold, classes: p.classes },
      thresholds,
      options: { stride, tracker: p.tracker, backgroundSamples: motion.plate.samples, repair: p.repair, repairGapSeconds: p.repairGapSeconds, resumedFromFrame: previous?.lastFrame },
      analysisSize: p.inputSize,
      framesAnalysed: analysed,
      detections: detectionCount,
      trackPoints: tracks.points,
      tracks: tracks.people,
      tracking: { tracklets: track.tracklets.size, people: tracks.people },
      timings,
      motion: { width: motion.motion.width, height: motion.motion.height, cellPixels: MOTION_GRID_FACTOR * (video.width / iw), frames: motion.motion.frames },
      background: { width: motion.plate.width, height: motion.plate.height, samples: motion.plate.samples },
      segment: opts.segment ? { ...opts.segment, start: opts.segment.start?.toISOString() ?? null } : undefined,
      counting: counting.counter.summary({ total: tracks.ids.size, staticIds: tracks.staticIds }),
      motionGate: { enabled: p.motionGate !== null, threshold: p.motionGate ?? 0, skipped: gate?.skipped ?? 0 },
      partial: partialResult(frames.end, lastFrame, lastSeconds, video.fps),
      outputs: {
        detections: "detections.parquet",
        tracks: "tracks.parquet",
        counts: "counts.parquet",
        background: "background.png",
        motionHeatmap: "motion_heatmap.png",
        motionGrid: "motion.parquet",
        ...(opts.mot ? { mot: resolve(opts.mot) } : {}),
      },
    };
    writeRun(out, summary);
    return summary;
  } finally {
    await ahead?.stop();
    await (detector ?? (await starting.catch(() => undefined)))?.close();
    session?.close();
    releaseLock?.();
  }
}

/**
 * A run is partial when ffmpeg stopped on an error, or decoded past damage (corrupt packets,
 * concealed macroblocks, a cut-off file): then `lastFrame`/`lastSeconds` is the last frame
 * before the first damage, and frames decoded after it are kept with their real timestamps.
 */
export function partialResult(end: StreamEnd, lastFrame: number, lastSeconds: number, fps: number): RunSummary["partial"] {
  if (end.error) return { error: end.error, lastFrame, lastSeconds };
  const d = end.damage;
  if (!d) return undefined;
  const more = d.count > 1 ? ` and ${d.count - 1} more decode errors` : "";
  return { error: `${d.message}${more}`, lastFrame: d.afterFrame, lastSeconds: d.afterSeconds ?? Math.max(0, d.afterFrame) / fps };
}
