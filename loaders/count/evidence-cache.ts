// Everything a calibration sweep needs from the pixels of a set of frames at one model input
// size: every candidate person box down to a low score floor, how much of each box differs from
// the background plate, and how much of the counting region does. Computing it is the expensive
// part (the detector), so it is cached in a temp file per (video, input size, frames, region,
// model): a sweep over thresholds, models and smoothing then costs nothing, and so does a rerun.
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Detector } from "../detect/detector.ts";
import { modelFile, type ModelManifest } from "../detect/manifest.ts";
import { plateSize, temporalMedian } from "../scene/background.ts";
import { resampleGray, toGray } from "../scene/motion.ts";
import type { Detections } from "../types.ts";
import { sampleFrames } from "../video/sample-frames.ts";
import type { VideoInfo } from "../video/probe.ts";
import { decodeFrames } from "./decode-frames.ts";
import type { RoiMask } from "./roi.ts";
import { StaticFilter } from "./static-filter.ts";

/** Lowest score kept: the sweep's thresholds start above it. */
export const EVIDENCE_FLOOR = 0.1;

export interface EvidenceFrame {
  /** 0-based source frame. */
  frame: number;
  /** Candidate boxes (source pixels, x1,y1,x2,y2 per box) and scores, score >= floor. */
  boxes: number[];
  scores: number[];
  /** Per box: share of its core that differs from the plate. */
  foreground: number[];
  /** Share of the counting region that differs from the plate. */
  sceneForeground: number;
}

export interface Plate {
  rgb: Uint8Array;
  width: number;
  height: number;
  samples: number;
}

/** The pipeline's background plate: temporal median of `samples` frames spread over the video, at plate size. */
export async function buildPlate(video: VideoInfo, samples = 25): Promise<Plate> {
  const [width, height] = plateSize(video.width, video.height);
  const s = await sampleFrames(video.path, video.duration, { count: Math.min(samples, video.frameCount), width, height });
  if (s.frames.length === 0) throw new Error(`${video.path}: no frame could be sampled for the background plate`);
  return { rgb: temporalMedian(s.frames), width, height, samples: s.frames.length };
}

/** The plate's luma at a grid size, as the pipeline's motion stage makes it. */
export function plateGrayAt(plate: Plate, gw: number, gh: number): Float32Array {
  return resampleGray(toGray(plate.rgb, "RGB", new Float32Array(plate.width * plate.height)), plate.width, plate.height, gw, gh);
}

export interface EvidenceOptions {
  video: VideoInfo;
  frames: number[];
  inputSize: [number, number];
  manifest: ModelManifest;
  plate: Plate;
  roi?: RoiMask;
  floor?: number;
  threads?: number;
  /** Cache folder; false turns caching off. Default: <tmp>/smw-count-cache. */
  cacheDir?: string | false;
  onFrame?: (done: number, total: number) => void;
}

export function defaultCacheDir(): string {
  return join(tmpdir(), "smw-count-cache");
}

export function evidenceKey(o: EvidenceOptions): string {
  const st = statSync(o.video.path);
  const model = modelFile(o.manifest, o.inputSize);
  const h = createHash("sha256");
  h.update(JSON.stringify({
    v: 1,
    video: [o.video.path, st.size, st.mtimeMs],
    model: [model, existsSync(model) ? statSync(model).size : 0],
    inputSize: o.inputSize,
    floor: o.floor ?? EVIDENCE_FLOOR,
    frames: o.frames,
    plate: o.plate.samples,
  }));
  if (o.roi) h.update(o.roi.inside);
  return h.digest("hex").slice(0, 24);
}

export async function collectEvidence(o: EvidenceOptions): Promise<EvidenceFrame[]> {
  const cacheDir = o.cacheDir === false ? undefined : (o.cacheDir ?? defaultCacheDir());
  const file = cacheDir ? join(cacheDir, `evidence-${o.inputSize.join("x")}-${evidenceKey(o)}.json`) : undefined;
  if (file && existsSync(file)) {
    try {
      return JSON.parse(readFileSync(file, "utf8")) as EvidenceFrame[];
    } catch {
      // a damaged cache file is recomputed
    }
  }
  const [iw, ih] = o.inputSize;
  const detector = await Detector.load(o.manifest, { inputSize: [iw, ih], scoreThreshold: o.floor ?? EVIDENCE_FLOOR, threads: o.threads });
  const factor = 2;
  const filter = new StaticFilter({
    frameWidth: iw, frameHeight: ih, sourceWidth: o.video.width, sourceHeight: o.video.height,
    plateGray: plateGrayAt(o.plate, Math.floor(iw / factor), Math.floor(ih / factor)), factor, roi: o.roi,
  });
  const out: EvidenceFrame[] = [];
  const total = new Set(o.frames).size;
  await decodeFrames(o.video.path, o.frames, { width: iw, height: ih }, async (frame, data) => {
    const dets: Detections = await detector.detect(data, "BGR", o.video.width, o.video.height);
    const ev = filter.update(frame, data, "BGR", dets);
    out.push({
      frame,
      boxes: Array.from(dets.boxes, (v) => Math.round(v * 10) / 10),
      scores: Array.from(dets.scores, (v) => Math.round(v * 1e4) / 1e4),
      foreground: Array.from(ev.foreground, (v) => Math.round(v * 1e4) / 1e4),
      sceneForeground: Math.round(ev.sceneForeground * 1e5) / 1e5,
    });
    o.onFrame?.(out.length, total);
  });
  if (file && cacheDir) {
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(`${file}.tmp`, JSON.stringify(out));
    renameSync(`${file}.tmp`, file);
  }
  return out;
}
