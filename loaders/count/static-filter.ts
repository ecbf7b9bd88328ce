// Static-object suppression. Mannequins, posters, printed figures and reflections look like
// people to a detector, but they are part of the scene: they sit in the people-free background
// plate (a temporal median) and never move. Real shoppers, even ones standing still for a
// while, differ from the plate because the plate was taken over the whole video.
//
//   detection rule: a box whose core matches the plate (under `maxForeground` of its cells
//                   differ by >= 12 grey levels after the frame's brightness shift) is static;
//   track rule:     a track that never moves (its centre stays within `minMove` box heights)
//                   and was either static-looking on most of its points or stayed put for
//                   `longStaticSeconds` is static.
//
// Static detections and tracks are excluded from counts and dwell; how many is reported.
import { toGrayBlocks } from "../scene/motion.ts";
import type { Detections, TrackRow } from "../types.ts";
import { iou } from "../geometry/box.ts";
import { brightnessShift, boxForeground, FOREGROUND_LEVELS, regionForeground } from "./evidence.ts";
import { roiGrid, type RoiMask } from "./roi.ts";

export interface StaticFilterOptions {
  /** Size of the pixels passed to `update` (the model input). */
  frameWidth: number;
  frameHeight: number;
  /** Source video size (detection boxes are in source pixels). */
  sourceWidth: number;
  sourceHeight: number;
  /** Background plate luma at the grid size (frameWidth / factor x frameHeight / factor), as the motion stage builds it. */
  plateGray: Float32Array;
  /** Grid cell side in frame pixels (default 2, the motion grid). */
  factor?: number;
  /** Grey levels from which a cell differs from the plate (default 12). */
  levels?: number;
  /** A box is static when less than this share of its core differs from the plate (default 0.15). */
  maxForeground?: number;
  /** A track never moves when its centre's range stays under this many median box heights (default 0.25). */
  minMove?: number;
  /** A never-moving track this long is static even when it does not match the plate (default 300 s). */
  longStaticSeconds?: number;
  /** Counting region, for the per-frame foreground share (default: the whole picture). */
  roi?: RoiMask;
  /** Boxes at or above this score are also tallied separately (the run's confident detections). */
  scoreThreshold?: number;
}

export const STATIC_DEFAULTS = { factor: 2, levels: FOREGROUND_LEVELS, maxForeground: 0.15, minMove: 0.25, longStaticSeconds: 300, scoreThreshold: 0.45 };

/** What `update` learns about one frame. Arrays are per detection, in the detections' order; reused by the next call. */
export interface FrameEvidence {
  /** 1 = static (matches the plate). */
  static: Uint8Array;
  /** Share of each box's core that differs from the plate. */
  foreground: Float32Array;
  /** Share of the counting region that differs from the plate (a count model's foreground feature). */
  sceneForeground: number;
  /** The frame's brightness shift from the plate (grey levels). */
  shift: number;
}

export interface StaticSummary {
  /** Detections examined and found static (all candidate boxes, down to the decoder's floor). */
  detections: number;
  staticDetections: number;
  /** The same for boxes scoring >= the run's count threshold. */
  confidentDetections: number;
  staticConfidentDetections: number;
  tracks: number;
  staticTracks: number;
  /** Static track ids, ascending. */
  staticTrackIds: number[];
  settings: { maxForeground: number; levels: number; minMove: number; longStaticSeconds: number };
}

export class StaticFilter {
  readonly gridWidth: number;
  readonly gridHeight: number;
  private readonly opts: Required<Omit<StaticFilterOptions, "roi">>;
  private readonly gray: Float32Array;
  private readonly scratch: Float32Array<ArrayBuffer>;
  private readonly region: Uint8Array;
  private flags = new Uint8Array(64);
  private shares = new Float32Array(64);
  /** Static boxes per frame, for the track rule. */
  private readonly staticBoxes = new Map<number, Float32Array>();
  private seen = 0;
  private flagged = 0;
  private seenConfident = 0;
  private flaggedConfident = 0;

  constructor(options: StaticFilterOptions) {
    this.opts = { ...STATIC_DEFAULTS, ...options } as Required<Omit<StaticFilterOptions, "roi">>;
    const { frameWidth, frameHeight, factor, plateGray } = this.opts;
    this.gridWidth = Math.floor(frameWidth / factor);
    this.gridHeight = Math.floor(frameHeight / factor);
    const size = this.gridWidth * this.gridHeight;
    if (plateGray.length !== size) throw new Error(`plate is ${plateGray.length} cells, expected ${this.gridWidth}x${this.gridHeight}`);
    this.gray = new Float32Array(size);
    this.scratch = new Float32Array(Math.ceil(size / 7));
    this.region = roiGrid(options.roi, this.gridWidth, this.gridHeight);
  }

  /** Examines one frame: `pixels` interleaved 3-channel at frameWidth x frameHeight; `frame` is the 0-based source frame. */
  update(frame: number, pixels: Uint8Array, order: "BGR" | "RGB", dets: Detections): FrameEvidence {
    toGrayBlocks(pixels, this.opts.frameWidth, order, this.opts.factor, this.gray, this.gridWidth);
    return this.evaluate(frame, this.gray, dets);
  }

  /** Same as `update` for a frame already turned into luma at the grid size. */
  evaluate(frame: number, gray: Float32Array, dets: Detections): FrameEvidence {
    const { plateGray, levels, maxForeground, sourceWidth, sourceHeight } = this.opts;
    const gw = this.gridWidth, gh = this.gridHeight;
    if (this.flags.length < dets.count) {
      this.flags = new Uint8Array(2 * dets.count);
      this.shares = new Float32Array(2 * dets.count);
    }
    const flags = this.flags.subarray(0, dets.count);
    const shares = this.shares.subarray(0, dets.count);
    const shift = brightnessShift(gray, plateGray, 7, this.scratch);
    const sx = gw / sourceWidth, sy = gh / sourceHeight;
    let nStatic = 0;
    for (let i = 0; i < dets.count; i++) {
      shares[i] = boxForeground(gray, plateGray, gw, gh, shift, dets.boxes, i, sx, sy, levels);
      flags[i] = shares[i] < maxForeground ? 1 : 0;
      nStatic += flags[i];
      if (dets.scores[i] >= this.opts.scoreThreshold) {
        this.seenConfident++;
        this.flaggedConfident += flags[i];
      }
    }
    if (nStatic > 0) {
      const kept = new Float32Array(4 * nStatic);
      for (let i = 0, k = 0; i < dets.count; i++) if (flags[i]) kept.set(dets.boxes.subarray(4 * i, 4 * i + 4), 4 * k++);
      this.staticBoxes.set(frame, kept);
    }
    this.seen += dets.count;
    this.flagged += nStatic;
    return { static: flags, foreground: shares, sceneForeground: regionForeground(gray, plateGray, this.region, shift, levels), shift };
  }

  /** Re-adds a frame's static boxes (source pixels, x1,y1,x2,y2 quadruples) after a resume, for the track rule. */
  restoreStatic(frame: number, boxes: ArrayLike<number>): void {
    if (boxes.length >= 4) this.staticBoxes.set(frame, Float32Array.from(boxes));
  }

  /**
   * The track rule, after tracking (and repair): ids of tracks that never move and either
   * matched static boxes on most observed points or stayed put for `longStaticSeconds`.
   */
  staticTracks(rows: TrackRow[]): Set<number> {
    return staticTrackIds(rows, this.staticBoxes, this.opts);
  }

  /** Drops the static boxes of frames before `frame` (no track still to be judged reaches back there). */
  forget(frame: number): void {
    for (const f of this.staticBoxes.keys()) {
      if (f >= frame) break; // frames arrive in order
      this.staticBoxes.delete(f);
    }
  }

  /** `tracks`: how many tracks were judged; `staticIds`: the static ones. */
  summary(tracks: number, staticIds: Iterable<number>): StaticSummary {
    const ids = [...staticIds].sort((a, b) => a - b);
    const { maxForeground, levels, minMove, longStaticSeconds } = this.opts;
    return {
      detections: this.seen,
      staticDetections: this.flagged,
      confidentDetections: this.seenConfident,
      staticConfidentDetections: this.flaggedConfident,
      tracks,
      staticTracks: ids.length,
      staticTrackIds: ids,
      settings: { maxForeground, levels, minMove, longStaticSeconds },
    };
  }
}

/** Keeps the detections whose flag is 0 (a new Detections; the input is untouched). */
export function withoutFlagged(dets: Detections, flags: Uint8Array): Detections {
  let n = 0;
  for (let i = 0; i < dets.count; i++) if (!flags[i]) n++;
  const out: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n), classes: new Int32Array(n) };
  for (let i = 0, k = 0; i < dets.count; i++) {
    if (flags[i]) continue;
    out.boxes.set(dets.boxes.subarray(4 * i, 4 * i + 4), 4 * k);
    out.scores[k] = dets.scores[i];
    out.classes[k] = dets.classes[i];
    k++;
  }
  return out;
}

/** The track rule as a pure function (see StaticFilter.staticTracks). */
export function staticTrackIds(
  rows: TrackRow[],
  staticBoxes: Map<number, Float32Array>,
  o: { minMove: number; longStaticSeconds: number; staticShare?: number },
): Set<number> {
  const byTrack = new Map<number, TrackRow[]>();
  for (const r of rows) {
    if (r.interpolated) continue;
    let list = byTrack.get(r.trackId);
    if (!list) byTrack.set(r.trackId, (list = []));
    list.push(r);
  }
  const out = new Set<number>();
  for (const [id, list] of byTrack) {
    let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, hits = 0;
    const heights: number[] = [];
    let t0 = Infinity, t1 = -Infinity;
    for (const r of list) {
      const cx = (r.x1 + r.x2) / 2, cy = (r.y1 + r.y2) / 2;
      minX = Math.min(minX, cx); maxX = Math.max(maxX, cx);
      minY = Math.min(minY, cy); maxY = Math.max(maxY, cy);
      heights.push(r.y2 - r.y1);
      t0 = Math.min(t0, r.t); t1 = Math.max(t1, r.t);
      const sb = staticBoxes.get(r.frame);
      if (sb) {
        for (let k = 0; k < sb.length; k += 4) {
          if (iou(r.x1, r.y1, r.x2, r.y2, sb[k], sb[k + 1], sb[k + 2], sb[k + 3]) >= 0.5) { hits++; break; }
        }
      }
    }
    heights.sort((a, b) => a - b);
    const h = heights[heights.length >> 1] || 1;
    const stays = Math.max(maxX - minX, maxY - minY) < o.minMove * h;
    if (!stays) continue;
    if (hits >= (o.staticShare ?? 0.5) * list.length || t1 - t0 >= o.longStaticSeconds) out.add(id);
  }
  return out;
}
