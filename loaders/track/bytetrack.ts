// ByteTrack (Zhang et al., ECCV 2022) on the project's columnar detections.
// The point of BYTE over SORT: detections the detector is unsure about (partly occluded people)
// are not thrown away but used in a second pass to keep already-running tracks alive, while only
// confident detections may start new tracks. Association is IoU against Kalman-predicted boxes.
//
// Deviations from the reference implementation, all deliberate:
//  - ids are handed out on confirmation, so tentative tracks that die never burn an id and output
//    ids stay dense (1, 2, 3, ...);
//  - `minHits` generalises ByteTrack's fixed "confirmed on the 2nd hit" (minHits = 2 is the
//    reference behaviour); a tentative track that misses one update is dropped, as in ByteTrack;
//  - lost time is counted in source frames from FrameInfo.frame and the Kalman filter predicts
//    over the real frame gap, so the tracker behaves the same at any analysis stride;
//  - no `remove_duplicate_stracks` step: it deletes a lost track whose predicted box overlaps a
//    tracked one by IoU > 0.85, which is exactly the state of a person occluded by someone walking
//    past them, so it turned every crossing into an id switch (see the crossing test). A stale
//    lost duplicate is harmless: it competes in the same optimal assignment and loses.
//  - boxes flagged `static` (they match the people-free plate: posters, mannequins) never start
//    a track and only continue one in the low-score pass: on the TUD clips every static box
//    between 0.3 and 0.6 was a false one;
//  - boxes are compared with a buffer (C-BIoU) that grows with the time between two analysed
//    frames, so a walker who moves a body width between frames of 2 fps footage still matches;
//  - `emitTentative` reports unconfirmed tracks too, for an offline stage that judges them.

import type { Detections, FrameInfo, TrackedBoxes, Tracker } from "../types.ts";
import { linearAssignment } from "./assignment.ts";
import { stripUndefined } from "./centroid.ts";
import { iou as iouOf } from "./geometry.ts";
import {
  boxToXyah, createKalmanState, DEFAULT_KALMAN_NOISE, kalmanBox, kalmanInitiate, kalmanPredict, kalmanUpdate,
  type KalmanNoise, type KalmanState,
} from "./kalman.ts";

export interface ByteTrackOptions {
  /** Source video frame rate; with trackBufferSeconds gives how long lost tracks are kept. Default 30. */
  fps?: number;
  /** Detections with score >= this are "high" (first association, may start tracks). Default 0.5. */
  highThresh?: number;
  /** Detections with lowThresh <= score < highThresh are used only to continue tracks. Default 0.1. */
  lowThresh?: number;
  /** A new track needs a leftover high detection with score >= this. Default 0.6. */
  newTrackThresh?: number;
  /** First association gate on (1 - IoU [x score when fuseScore]). Default 0.8. */
  matchThresh?: number;
  /** Second (low-score) association gate on 1 - IoU. Default 0.5. */
  lowMatchThresh?: number;
  /** Gate for tentative tracks against leftover high detections. Default 0.7. */
  tentativeMatchThresh?: number;
  /**
   * Seconds a lost track is kept for re-identification by motion: it can be re-found after up to
   * round(trackBufferSeconds * fps) missed source frames. Default 1 (30 frames at 30 fps).
   */
  trackBufferSeconds?: number;
  /** Matches (including the first) before a track is confirmed and reported. Default 2. */
  minHits?: number;
  /** Multiply IoU by detection score in high-score gates (ByteTrack's non-MOT20 setting). Default true. */
  fuseScore?: boolean;
  /** Confirm every track started on the very first update (ByteTrack does). Default true. */
  confirmOnFirstFrame?: boolean;
  /** If given, only detections of these class indices are tracked. Default: all. */
  classes?: readonly number[];
  /** Kalman noise weights. Default DEFAULT_KALMAN_NOISE (1/20, 1/160). */
  kalmanNoise?: KalmanNoise;
  /**
   * Buffered IoU (C-BIoU): both boxes grow on every side by this many box heights per second since
   * the track was last seen before they are compared, so a person who moved a body width between
   * two frames of 2 fps footage still overlaps their track. At 25 fps the buffer is 2% of a height
   * per side. Default 0.5.
   */
  bufferPerSecond?: number;
  /**
   * Report tentative tracks too, under ids given at birth, so that offline association, which
   * knows the future, decides which ones are people (at 2 fps a person seen twice loses half
   * their observations to the wait for confirmation otherwise). Default false.
   */
  emitTentative?: boolean;
}

type Resolved = Required<Omit<ByteTrackOptions, "classes">>;

export const BYTETRACK_DEFAULTS: Readonly<Resolved> = Object.freeze({
  fps: 30,
  highThresh: 0.5,
  lowThresh: 0.1,
  newTrackThresh: 0.6,
  matchThresh: 0.8,
  lowMatchThresh: 0.5,
  tentativeMatchThresh: 0.7,
  trackBufferSeconds: 1,
  minHits: 2,
  fuseScore: true,
  confirmOnFirstFrame: true,
  kalmanNoise: DEFAULT_KALMAN_NOISE,
  bufferPerSecond: 0.5,
  emitTentative: false,
});

const TENTATIVE = 0;
const TRACKED = 1;
const LOST = 2;

interface BTrack {
  /** 0 while tentative. */
  id: number;
  state: number;
  hits: number;
  lastFrame: number;
  kf: KalmanState;
}

export class ByteTracker implements Tracker {
  readonly name = "bytetrack";
  readonly options: Readonly<Resolved>;
  private readonly classes: Set<number> | null;
  private readonly maxLostFrames: number;
  /** Frames of unseen time the buffer grows over, at most (see `update`). */
  private maxBufferFrames = 1;
  private tracks: BTrack[] = [];
  private nextId = 1;
  private prevFrame = -1;
  /** The frame being updated (buffers grow with the time since a track was seen). */
  private frame = 0;
  private updates = 0;
  private readonly z = new Float64Array(4);
  private iouBuf = new Float64Array(0);
  private costBuf = new Float64Array(0);

  constructor(options: ByteTrackOptions = {}) {
    this.options = Object.freeze({ ...BYTETRACK_DEFAULTS, ...stripUndefined(options) }) as Resolved;
    this.classes = options.classes ? new Set(options.classes) : null;
    this.maxLostFrames = Math.max(1, Math.round(this.options.trackBufferSeconds * this.options.fps));
  }

  update(dets: Detections, info: FrameInfo): TrackedBoxes {
    const o = this.options;
    const frame = info.frame;
    this.frame = frame;
    const dt = this.updates === 0 ? 1 : Math.max(0, frame - this.prevFrame);
    // the buffer covers the step between two analysed frames, not a long absence: a lost
    // track's buffer growing for seconds would reach into a passing group
    this.maxBufferFrames = Math.max(1, dt);
    const first = this.updates === 0;
    this.prevFrame = frame;
    this.updates++;

    const high: number[] = [];
    const low: number[] = [];
    for (let i = 0; i < dets.count; i++) {
      if (this.classes && !this.classes.has(dets.classes[i])) continue;
      const s = dets.scores[i];
      if (s >= o.highThresh && !dets.static?.[i]) high.push(i);
      else if (s >= o.lowThresh) low.push(i);
    }

    // A lost track may be re-found after at most maxLostFrames missed source frames (the reference
    // semantics at stride 1); at a coarser stride the end-of-update prune below can't know that.
    this.tracks = this.tracks.filter((t) => t.state !== LOST || frame - t.lastFrame - 1 <= this.maxLostFrames);
    for (const t of this.tracks) {
      // A lost track's height velocity is zeroed (as in ByteTrack) so boxes don't balloon or
      // shrink to nothing while nobody is measuring them.
      if (t.state === LOST) t.kf.mean[7] = 0;
      if (dt > 0) kalmanPredict(t.kf, dt, o.kalmanNoise);
    }

    // The detection (index into dets) each track got this frame; absent if none.
    const detOf = new Map<BTrack, number>();
    const pool = this.tracks.filter((t) => t.state !== TENTATIVE);
    const tentative = this.tracks.filter((t) => t.state === TENTATIVE);

    // 1. Confident detections against every confirmed track, lost ones included.
    const highLeft = this.associate(pool, dets, high, o.matchThresh, o.fuseScore, detOf);
    // 2. Still-unmatched tracks that were tracked last frame against the low-score detections.
    const retry = pool.filter((t) => t.state === TRACKED && !detOf.has(t));
    this.associate(retry, dets, low, o.lowMatchThresh, false, detOf);
    for (const t of retry) if (!detOf.has(t)) t.state = LOST;
    // 3. Tentative tracks against the confident detections nobody took.
    const newLeft = this.associate(tentative, dets, highLeft, o.tentativeMatchThresh, o.fuseScore, detOf);

    const alive: BTrack[] = [];
    for (const t of this.tracks) {
      const d = detOf.get(t);
      if (d !== undefined) {
        boxToXyah(dets.boxes, d, this.z);
        kalmanUpdate(t.kf, this.z[0], this.z[1], this.z[2], this.z[3], o.kalmanNoise);
        t.hits++;
        t.lastFrame = frame;
        if (t.state === TENTATIVE) {
          if (t.hits >= o.minHits) this.confirm(t);
        } else {
          t.state = TRACKED;
        }
        alive.push(t);
      } else if (t.state === TENTATIVE) {
        continue; // one miss kills an unconfirmed track
      } else if (frame - t.lastFrame <= this.maxLostFrames) {
        alive.push(t); // could still be matched by a later frame
      }
    }

    for (const d of newLeft) {
      if (dets.scores[d] < o.newTrackThresh) continue;
      const kf = createKalmanState();
      boxToXyah(dets.boxes, d, this.z);
      kalmanInitiate(kf, this.z[0], this.z[1], this.z[2], this.z[3], o.kalmanNoise);
      const t: BTrack = { id: o.emitTentative ? this.nextId++ : 0, state: TENTATIVE, hits: 1, lastFrame: frame, kf };
      if (o.minHits <= 1 || (first && o.confirmOnFirstFrame)) this.confirm(t);
      detOf.set(t, d);
      alive.push(t);
    }

    this.tracks = alive;

    const shown = (t: BTrack) => t.lastFrame === frame && (t.state === TRACKED || (o.emitTentative && t.state === TENTATIVE));
    let count = 0;
    for (const t of this.tracks) if (shown(t)) count++;
    const out: TrackedBoxes = {
      count,
      boxes: new Float32Array(4 * count),
      scores: new Float32Array(count),
      trackIds: new Int32Array(count),
    };
    let k = 0;
    for (const t of this.tracks) {
      if (!shown(t)) continue;
      const d = detOf.get(t)!;
      // The detection box, not the Kalman box: it is what the detector saw; smoothing is the
      // job of offline repair, where both past and future are known.
      out.boxes.set(dets.boxes.subarray(4 * d, 4 * d + 4), 4 * k);
      out.scores[k] = dets.scores[d];
      out.trackIds[k] = t.id;
      k++;
    }
    return out;
  }

  private confirm(t: BTrack): void {
    t.state = TRACKED;
    if (!t.id) t.id = this.nextId++;
  }

  /**
   * Gated optimal assignment of `tracks` (by predicted box) to the detections `cand`. Records
   * matches in `detOf` and returns the candidates left unmatched.
   */
  private associate(
    tracks: BTrack[], dets: Detections, cand: number[], thresh: number, fuse: boolean, detOf: Map<BTrack, number>,
  ): number[] {
    const nt = tracks.length;
    const nd = cand.length;
    if (nt === 0 || nd === 0) return cand;
    const tb = new Float64Array(4 * nt);
    for (let i = 0; i < nt; i++) kalmanBox(tracks[i].kf, tb, i);
    if (this.iouBuf.length < nt * nd) {
      this.iouBuf = new Float64Array(2 * nt * nd);
      this.costBuf = new Float64Array(2 * nt * nd);
    }
    const iou = this.iouBuf;
    const db = dets.boxes;
    for (let i = 0; i < nt; i++) {
      const p = 4 * i;
      const tx1 = tb[p], ty1 = tb[p + 1], tx2 = tb[p + 2], ty2 = tb[p + 3];
      const grow = (this.options.bufferPerSecond * Math.min(this.frame - tracks[i].lastFrame, this.maxBufferFrames)) / this.options.fps;
      const mt = grow * (ty2 - ty1);
      for (let j = 0; j < nd; j++) {
        const q = 4 * cand[j];
        const md = grow * (db[q + 3] - db[q + 1]);
        iou[i * nd + j] = iouOf(tx1 - mt, ty1 - mt, tx2 + mt, ty2 + mt, db[q] - md, db[q + 1] - md, db[q + 2] + md, db[q + 3] + md);
      }
    }
    const cost = this.costBuf;
    for (let i = 0; i < nt; i++) {
      for (let j = 0; j < nd; j++) {
        const k = i * nd + j;
        cost[k] = 1 - (fuse ? iou[k] * dets.scores[cand[j]] : iou[k]);
      }
    }
    const a = linearAssignment(cost, nt, nd, thresh);
    const left: number[] = [];
    for (let j = 0; j < nd; j++) {
      // IoU 0 pairs can pass a gate of 1; they carry no evidence, so never let them match.
      const i = a.colToRow[j];
      if (i >= 0 && iou[i * nd + j] > 0) detOf.set(tracks[i], cand[j]);
      else left.push(cand[j]);
    }
    return left;
  }

  /** Number of tracks held (tentative, tracked and lost); for diagnostics. */
  get trackCount(): number {
    return this.tracks.length;
  }
}
