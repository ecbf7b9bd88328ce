// The pipeline glue, in the order data flows: video -> frames -> detections -> tracks ->
// tables. Every stage lives in its own module; this file only wires them and keeps time.
import { closeSync, existsSync, openSync, rmSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import type { DuckDBConnection } from "@duckdb/node-api";
import { AnalysisAborted, UserError } from "../errors.ts";
import type { Progress, RunSummary, StageTimings } from "../run/contract.ts";
import { writeRun } from "../run/read.ts";
import { openDuckDb, type DuckSession } from "../store/duckdb.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { Detector, DETECTOR_DEFAULTS } from "../detect/detector.ts";
import { chooseInputSize, DEFAULT_MANIFEST, loadManifest } from "../detect/manifest.ts";
import { temporalMedian, plateSize } from "../scene/background.ts";
import { heatmapOverPlate } from "../scene/heatmap-image.ts";
import { MotionAccumulator, resampleGray, toGray } from "../scene/motion.ts";
import { writeRgbPng } from "../store/png.ts";
import { ParquetWriter, type Schema } from "../store/parquet-writer.ts";
import { CENTROID_DEFAULTS, createTracker, type TrackerName } from "../track/index.ts";
import { TrackRepairer } from "../track/repair.ts";
import type { Detections, TrackedBoxes, Tracker, TrackRow } from "../types.ts";
import { lockRun, readCheckpoint, readMotionGrid, runIdentity, writeCheckpoint } from "./checkpoint.ts";
import { FrameStream, type StreamEnd } from "../video/frames.ts";
import { probeVideo, type VideoInfo } from "../video/probe.ts";
import { sampleFrames } from "../video/sample-frames.ts";
import { formatMotLine } from "../eval/mot-text.ts";
import type { LoadedCalibration } from "../count/config.ts";
import { COUNT_SCHEMA, CountStage, type CountingSummary } from "../count/count-stage.ts";

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

// One set of tracking defaults for all footage (chosen on both TUD sequences together, see
// `npm run bench:mot`): a person hidden for up to 2 s keeps their id, online or by repair.
export const TRACK_BUFFER_SECONDS = 2;
export const REPAIR_GAP_SECONDS = 2;

/** The motion grid is the model input downsampled by this (192x144 for 4:3): 4x cheaper, plenty for a heatmap. */
export const MOTION_GRID_FACTOR = 2;

/** Analysed frames between commits: at most this much work is redone after a crash. */
export const CHUNK_FRAMES = 500;

/** Lowest detection score ByteTrack's second association stage looks at. */
export const BYTETRACK_LOW_SCORE = 0.1;

// `static`: the box matches the people-free plate (a mannequin, a poster); `counted`: the box is
// one of the frame's people count (count threshold, head in the counting region, not static).
export const DETECTION_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["class", "VARCHAR"],
  ["static", "BOOLEAN"], ["counted", "BOOLEAN"],
];
export const TRACK_SCHEMA: Schema = [
  ["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["track_id", "INTEGER"], ["x1", "FLOAT"], ["y1", "FLOAT"], ["x2", "FLOAT"], ["y2", "FLOAT"], ["score", "FLOAT"], ["interpolated", "BOOLEAN"],
];

export async function analyzeVideo(opts: AnalyzeOptions): Promise<RunSummary> {
  const t0 = performance.now();
  const out = resolve(opts.out);
  const video = await probeVideo(opts.video);
  ensureWritableDir(out);
  if (opts.mot) checkMotWritable(opts.mot); // a bad --mot path fails now, not after the video
  const manifest = loadManifest(opts.model ?? DEFAULT_MANIFEST);
  const stride = Math.max(1, Math.floor(opts.stride ?? 1));
  const cal = opts.calibration?.calibration;
  const [iw, ih] = opts.inputSize ?? cal?.inputSize ?? chooseInputSize(manifest, video.width, video.height);
  const k = manifest.input.multipleOf;
  if (iw % k || ih % k) throw new UserError(`input size ${iw}x${ih}: both sides must be multiples of ${k} for ${manifest.name}`);
  const trackerName = opts.tracker ?? "bytetrack";
  // Tracking keeps the detection threshold (tuned on the MOT benchmarks); a calibration sets
  // only the threshold people counts use, which is often lower in a crowd.
  const scoreThreshold = opts.scoreThreshold ?? DETECTOR_DEFAULTS.scoreThreshold;
  const countThreshold = cal?.scoreThreshold ?? scoreThreshold;
  const classes = opts.classes ?? DETECTOR_DEFAULTS.classes;
  // ByteTrack's second stage needs the low-score boxes a detection threshold would drop: the
  // detector decodes down to the tracker's floor, detections.parquet keeps only the boxes that
  // reach the detection or the count threshold.
  const keepThreshold = Math.min(scoreThreshold, countThreshold);
  const decodeFloor = trackerName === "bytetrack" ? Math.min(keepThreshold, BYTETRACK_LOW_SCORE) : keepThreshold;
  const detector = await Detector.load(manifest, { inputSize: [iw, ih], scoreThreshold: decodeFloor, classes, threads: opts.threads });
  // Both trackers count time in source frames (FrameInfo.frame), so ByteTrack gets the source
  // frame rate; the centroid tracker's distance gate is per update, so it grows with the stride.
  const tracker = trackerName === "bytetrack"
    ? createTracker("bytetrack", { fps: video.fps, highThresh: scoreThreshold, lowThresh: decodeFloor, trackBufferSeconds: TRACK_BUFFER_SECONDS })
    : createTracker("centroid", { maxDistance: 50 * stride, minScore: scoreThreshold });
  const timings: StageTimings = { background: 0, decode: 0, detect: 0, track: 0, motion: 0, count: 0, write: 0, total: 0 };
  const chunkFrames = Math.max(1, Math.floor(opts.chunkFrames ?? CHUNK_FRAMES));

  const releaseLock = lockRun(out);
  let session: DuckSession | undefined;
  try {
    // Background plate first: the motion stage diffs every frame against it. Sampling is
    // deterministic, so a resumed run rebuilds the same plate.
    const tb = performance.now();
    const [pw, ph] = plateSize(video.width, video.height);
    const wantSamples = opts.backgroundSamples ?? 25;
    const samples = await sampleFrames(video.path, video.duration, { count: Math.min(wantSamples, video.frameCount), width: pw, height: ph });
    if (samples.frames.length === 0) throw new UserError(`${video.path}: no frame could be decoded; check the file plays, or re-encode it with ffmpeg`);
    const plate = temporalMedian(samples.frames);
    const motionFactor = MOTION_GRID_FACTOR;
    const plateGray = resampleGray(toGray(plate, "RGB", new Float32Array(pw * ph)), pw, ph, Math.floor(iw / motionFactor), Math.floor(ih / motionFactor));
    const motion = new MotionAccumulator(iw, ih, plateGray, { factor: motionFactor });
    const counter = new CountStage({
      inputSize: [iw, ih], sourceWidth: video.width, sourceHeight: video.height, plateGray, scoreThreshold: countThreshold,
      calibration: cal, roi: opts.calibration?.roi, roiPath: opts.calibration?.roiPath,
    });
    writeRgbPng(join(out, "background.png"), plate, pw, ph);
    timings.background = (performance.now() - tb) / 1000;

    session = await openDuckDb();
    const conn = session.conn;
    const partsDir = join(out, ".parts");
    // the one whole-table sort (tracks) spills to disk past this instead of growing with the video
    await conn.run(`SET memory_limit = '512MB'; SET temp_directory = '${join(partsDir, "spill").replaceAll("'", "''")}'`);
    const identity = runIdentity(video.path, { model: manifest.path, inputSize: [iw, ih], stride, trackerName, scoreThreshold, decodeFloor, classes, calibration: cal ?? null, roi: opts.calibration?.roiPath ?? null });
    const previous = opts.resume ? readCheckpoint(partsDir) : undefined;
    if (opts.resume && !previous) process.stderr.write(`smw: ${out}: nothing to resume, starting from the first frame\n`);
    if (previous && previous.identity !== identity) {
      throw new UserError(`${out}: the unfinished run there used another video or other options; rerun without --resume to start over, or use the same options`);
    }
    if (!previous) rmSync(partsDir, { recursive: true, force: true });
    // Every candidate box (down to the tracker's floor) is kept in the parts, so a resumed run
    // can replay the tracker exactly; the final table keeps only boxes at the detection threshold.
    const detWriter = await ParquetWriter.open(conn, {
      table: "detections", schema: DETECTION_SCHEMA, file: join(out, "detections.parquet"), partsDir,
      chunkRows: Number.MAX_SAFE_INTEGER, existingParts: previous?.parts, orderBy: "frame, score DESC",
    });
    const rawCountWriter = await ParquetWriter.open(conn, {
      table: "counts_raw", schema: COUNT_RAW_SCHEMA, file: join(partsDir, "counts-raw.parquet"), partsDir,
      chunkRows: Number.MAX_SAFE_INTEGER, existingParts: previous?.countParts,
    });
    let analysed = 0;
    let lastFrame = -1;
    let lastSeconds = 0;
    // each analysed frame's time from the stream: repair interpolates t linearly, which is
    // wrong across a frame-rate change or a gap, so rows get their frame's real time back
    const frameTimes = new Map<number, number>();

    // Tracks stream: tracker rows -> repair (joins and gap fills, decided once nothing later can
    // change them) -> the static-track rule -> tracks.parquet parts. What stays in memory is the
    // people still in view and the last few seconds, however long the video.
    const repair = opts.repair ?? true;
    const repairGapSeconds = opts.repairGapSeconds ?? REPAIR_GAP_SECONDS;
    const repairGapFrames = Math.round(repairGapSeconds * video.fps);
    const trackerBuffer = trackerName === "bytetrack" ? Math.round(TRACK_BUFFER_SECONDS * video.fps) : CENTROID_DEFAULTS.maxDisappeared;
    const repairer = new TrackRepairer({
      stride, maxGapFrames: repairGapFrames, stitch: repair, interpolate: repair,
      // a track the tracker still keeps (lost, not dropped) may come back: wait that long, and the gap
      settleFrames: Math.max(repairGapFrames, trackerBuffer) + 2 * stride,
    });
    const trackWriter = await ParquetWriter.open(conn, {
      table: "tracks", schema: TRACK_SCHEMA, file: join(out, "tracks.parquet"), partsDir, orderBy: "frame, track_id", sortOnFinish: true,
    });
    const countWriter = await ParquetWriter.open(conn, { table: "counts", schema: COUNT_SCHEMA, file: join(out, "counts.parquet"), partsDir, orderBy: "frame" });
    const trackIds = new Set<number>();
    const staticTracks = new Set<number>();
    let trackPoints = 0;
    const onTracked = (tracked: TrackedBoxes, frame: number, t: number) => {
      frameTimes.set(frame, t);
      const b = tracked.boxes;
      for (let i = 0; i < tracked.count; i++) {
        repairer.add({ frame, t, trackId: tracked.trackIds[i], x1: b[4 * i], y1: b[4 * i + 1], x2: b[4 * i + 2], y2: b[4 * i + 3], score: tracked.scores[i], interpolated: false });
      }
    };
    /** Writes what repair and counting have finished; `end` at the end of the video. */
    const settle = async (frame: number, end = false) => {
      const rows = end ? repairer.finish() : repairer.drain(frame);
      for (const r of rows) r.t = frameTimes.get(r.frame) ?? r.t;
      // Tracks that never move and match the plate are scenery: out of tracks (so of dwell and
      // footfall), named in run.json.
      const scenery = counter.staticTracks(rows);
      for (const r of rows) {
        trackIds.add(r.trackId);
        if (scenery.has(r.trackId)) {
          staticTracks.add(r.trackId);
          continue;
        }
        trackWriter.append([r.frame, r.t, r.trackId, r.x1, r.y1, r.x2, r.y2, r.score, r.interpolated]);
        trackPoints++;
        if (trackWriter.chunkFull) await trackWriter.commit();
      }
      for (const c of counter.counts(end)) countWriter.append([c.frame, c.t, c.boxes, c.foreground, c.estimate]);
      // nothing handed back later reaches before the oldest fragment still held
      const oldest = repairer.oldestFrame;
      for (const f of frameTimes.keys()) {
        if (f >= oldest) break; // frames arrive in order
        frameTimes.delete(f);
      }
      counter.forget(oldest);
    };
    if (previous) {
      readMotionGrid(partsDir, motion.grid);
      motion.frames = previous.motionFrames;
      analysed = previous.framesAnalysed;
      lastFrame = previous.lastFrame;
      // the count stage first: the static-track rule needs the static boxes of the replayed frames
      await restoreCounts(conn, await rawCountWriter.relation(), await detWriter.relation(), counter);
      await replayTracker(conn, await detWriter.relation(), manifest.classes, tracker, { stride, lastFrame, fps: video.fps }, onTracked);
      await settle(lastFrame);
    }

    /** Everything analysed so far into part files, and the checkpoint that names them. */
    const commitChunk = async () => {
      await detWriter.commit();
      await rawCountWriter.commit();
      await settle(lastFrame);
      writeCheckpoint(partsDir, { version: 1, identity, lastFrame, framesAnalysed: analysed, parts: detWriter.partNames, countParts: rawCountWriter.partNames, motionFrames: motion.frames }, motion.grid);
    };
    const frames = new FrameStream(video.path, { width: iw, height: ih, stride, pixFmt: "bgr24", startFrame: previous ? lastFrame + stride : 0 });
    const framesTotal = Math.ceil(video.frameCount / stride);
    let sinceCommit = 0;
    let tWait = performance.now();
    for await (const { frame, t: pts, data } of frames) {
      if (opts.signal?.aborted) {
        if (sinceCommit > 0) await commitChunk();
        throw new AnalysisAborted(out, lastFrame, analysed, opts.signal.reason);
      }
      const ta = performance.now();
      timings.decode += ta - tWait;
      // the stream's own timestamp (variable frame rate, frames lost to damage); frame / fps only if ffmpeg gave none
      const t = pts ?? frame / video.fps;
      const dets = await detector.detect(data, "BGR", video.width, video.height);
      const tb2 = performance.now();
      onTracked(tracker.update(dets, { frame, t }), frame, t);
      const tc = performance.now();
      motion.add(data, "BGR");
      const td0 = performance.now();
      const ev = counter.updateGray(frame, t, motion.gray, dets);
      const td = performance.now();
      const b = dets.boxes;
      for (let i = 0; i < dets.count; i++) {
        detWriter.append([frame, t, b[4 * i], b[4 * i + 1], b[4 * i + 2], b[4 * i + 3], dets.scores[i], detector.classNames[dets.classes[i]], ev.static[i] === 1, ev.counted[i] === 1]);
      }
      rawCountWriter.append([frame, t, ev.boxes, ev.sceneForeground]);
      analysed++;
      lastFrame = frame;
      lastSeconds = t;
      if (++sinceCommit >= chunkFrames) {
        await commitChunk();
        sinceCommit = 0;
      }
      const te = performance.now();
      timings.detect += tb2 - ta;
      timings.track += tc - tb2;
      timings.motion += td0 - tc;
      timings.count += td - td0;
      timings.write += te - td;
      opts.onProgress?.({ framesDone: analysed, framesTotal, elapsed: (te - t0) / 1000 });
      tWait = performance.now();
    }
    for (const k of ["decode", "detect", "track", "motion", "count"] as const) timings[k] /= 1000;
    if (analysed === 0) {
      throw new UserError(`${video.path}: no frame could be decoded (${frames.end.error ?? "ffmpeg produced no pictures"}); check the file plays, or re-encode it with ffmpeg`);
    }

    const tw = performance.now();
    await settle(lastFrame, true);
    await detWriter.finish((rel) => `SELECT * FROM ${rel} WHERE score >= ${keepThreshold}`);
    await countWriter.finish();
    rawCountWriter.discard();
    await trackWriter.finish();
    const counting = counter.summary({ total: trackIds.size, staticIds: staticTracks });
    await writeMotionGrid(conn, motion, join(out, "motion.parquet"));
    writeRgbPng(join(out, "motion_heatmap.png"), heatmapOverPlate(motion.grid, motion.width, motion.height, plate, pw, ph), pw, ph);
    if (opts.mot) await writeMotFromParquet(conn, join(out, "tracks.parquet"), opts.mot);
    const [{ n: detections }] = (await conn.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM '${join(out, "detections.parquet")}'`)).getRowObjectsJS() as { n: number }[];
    rmSync(partsDir, { recursive: true, force: true });
    session.close();
    session = undefined;
    timings.write = (timings.write + performance.now() - tw) / 1000;
    timings.total = (performance.now() - t0) / 1000;

    const summary: RunSummary = {
      version: 1,
      createdAt: new Date().toISOString(),
      video,
      model: { name: manifest.name, manifest: manifest.path, inputSize: [iw, ih], scoreThreshold, iouThreshold: detector.iouThreshold, classes },
      options: { stride, tracker: trackerName, backgroundSamples: samples.frames.length, repair, repairGapSeconds, resumedFromFrame: previous ? previous.lastFrame : undefined },
      analysisSize: [iw, ih],
      framesAnalysed: analysed,
      detections,
      trackPoints,
      tracks: trackIds.size - staticTracks.size,
      timings,
      motion: { width: motion.width, height: motion.height, cellPixels: motionFactor * (video.width / iw), frames: motion.frames },
      background: { width: pw, height: ph, samples: samples.frames.length },
      segment: opts.segment ? { ...opts.segment, start: opts.segment.start?.toISOString() ?? null } : undefined,
      counting,
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
    session?.close();
    releaseLock();
  }
}

/** MOTChallenge text from the finished tracks table, streamed in (frame, id) order. */
async function writeMotFromParquet(conn: DuckDBConnection, tracksFile: string, motFile: string): Promise<void> {
  const result = await conn.stream(`SELECT frame, track_id, x1, y1, x2, y2, score FROM read_parquet('${tracksFile.replaceAll("'", "''")}') ORDER BY frame, track_id`);
  const fd = openMotFile(motFile);
  try {
    for (let chunk = await result.fetchChunk(); chunk && chunk.rowCount > 0; chunk = await result.fetchChunk()) {
      let text = "";
      for (const [frame, trackId, x1, y1, x2, y2, score] of chunk.getRows() as number[][]) {
        text += formatMotLine({ frame, trackId, x1, y1, x2, y2, score, t: 0, interpolated: false });
      }
      writeSync(fd, text);
    }
  } finally {
    closeSync(fd);
  }
}

/** Fails like the real write would, without emptying a MOT file an earlier run left there (this run may still fail). */
function checkMotWritable(motFile: string): void {
  const existed = existsSync(motFile);
  closeSync(openMotFile(motFile, "a"));
  if (!existed) rmSync(motFile, { force: true });
}

function openMotFile(motFile: string, flags: "w" | "a" = "w"): number {
  try {
    return openSync(motFile, flags);
  } catch (e) {
    throw new UserError(`${motFile}: cannot write the MOT file there (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); choose another --mot path`);
  }
}

/**
 * What the count stage commits per analysed frame, so a resumed run can restore it (the estimate
 * needs the whole run). The foreground share stays a DOUBLE here: a calibrated count model weighs
 * it, and a FLOAT round trip made a resumed run's estimates differ in the 7th digit.
 */
const COUNT_RAW_SCHEMA: Schema = [["frame", "INTEGER"], ["t_seconds", "DOUBLE"], ["boxes", "INTEGER"], ["foreground", "DOUBLE"]];

/** Gives the count stage back the frames committed before an interruption, with each frame's static boxes. */
async function restoreCounts(conn: DuckDBConnection, countRel: string, detRel: string, counter: CountStage): Promise<void> {
  const rows = (await conn.runAndReadAll(`SELECT frame, t_seconds, boxes, foreground FROM ${countRel} ORDER BY frame`)).getRowObjectsJS() as { frame: number; t_seconds: number; boxes: number; foreground: number }[];
  const st = (await conn.runAndReadAll(`SELECT frame, list([x1, y1, x2, y2] ORDER BY score DESC) AS b FROM ${detRel} WHERE static GROUP BY frame`)).getRowObjectsJS() as { frame: number; b: number[][] }[];
  const byFrame = new Map(st.map((r) => [r.frame, r.b.flat()]));
  for (const r of rows) counter.restore({ frame: r.frame, t: r.t_seconds, boxes: r.boxes, foreground: r.foreground }, byFrame.get(r.frame));
}

/** Feeds the committed candidate boxes back through a fresh tracker, frame by frame, as the interrupted run did. */
async function replayTracker(
  conn: DuckDBConnection,
  relation: string,
  classNames: string[],
  tracker: Tracker,
  o: { stride: number; lastFrame: number; fps: number },
  onTracked: (t: TrackedBoxes, frame: number, time: number) => void,
): Promise<void> {
  const reader = await conn.runAndReadAll(`SELECT frame, t_seconds, x1, y1, x2, y2, score, "class" AS cls FROM ${relation} ORDER BY frame, score DESC`);
  const rows = reader.getRowObjectsJS() as { frame: number; t_seconds: number; x1: number; y1: number; x2: number; y2: number; score: number; cls: string }[];
  let r = 0;
  for (let frame = 0; frame <= o.lastFrame; frame += o.stride) {
    const from = r;
    while (r < rows.length && rows[r].frame === frame) r++;
    const n = r - from;
    const det: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n), classes: new Int32Array(n) };
    for (let i = 0; i < n; i++) {
      const row = rows[from + i];
      det.boxes.set([row.x1, row.y1, row.x2, row.y2], 4 * i);
      det.scores[i] = row.score;
      det.classes[i] = classNames.indexOf(row.cls);
    }
    // the time the interrupted run stored with the frame's boxes; frame / fps for frames without any
    const t = n > 0 ? rows[from].t_seconds : frame / o.fps;
    onTracked(tracker.update(det, { frame, t }), frame, t);
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

async function writeMotionGrid(conn: DuckDBConnection, motion: MotionAccumulator, file: string): Promise<void> {
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
