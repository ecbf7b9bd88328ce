// The pyimagesearch-style centroid tracker the project's predecessor used, kept as a baseline
// to compare ByteTrack against. Two deliberate departures from the original:
//  - matching is a true greedy over all (track, detection) pairs sorted by distance; the original
//    let each track (in order of its best distance) take only its single nearest detection, so a
//    track whose nearest detection was already taken stayed unmatched even with a second candidate
//    right next to it;
//  - unmatched tracks age AND unmatched detections start new tracks in the same frame; the original
//    did only one of the two depending on which side had more items.
// Disappearance is counted in source frames (info.frame), so `maxDisappeared` means the same
// time span at any analysis stride. `maxDistance` is per update call (scale it with stride).

import type { Detections, FrameInfo, TrackedBoxes, Tracker } from "../types.ts";

export interface CentroidOptions {
  /** Frames a track may go unmatched before it is dropped (dropped once the gap exceeds this). Default 40. */
  maxDisappeared?: number;
  /** Largest centre-to-centre distance (px) for a match between consecutive updates. Default 50. */
  maxDistance?: number;
  /** Detections below this score are ignored. Default 0.4. */
  minScore?: number;
  /** If given, only detections of these class indices are tracked. Default: all. */
  classes?: readonly number[];
}

export const CENTROID_DEFAULTS: Readonly<Required<Omit<CentroidOptions, "classes">>> = Object.freeze({
  maxDisappeared: 40,
  maxDistance: 50,
  minScore: 0.4,
});

interface CentroidTrack {
  id: number;
  cx: number;
  cy: number;
  lastFrame: number;
}

export class CentroidTracker implements Tracker {
  readonly name = "centroid";
  private readonly opts: Required<Omit<CentroidOptions, "classes">>;
  private readonly classes: Set<number> | null;
  private tracks: CentroidTrack[] = [];
  private nextId = 1;
  // Reused per-frame buffers: pair distances and their sort order.
  private dist = new Float64Array(0);
  private order = new Uint32Array(0);

  constructor(options: CentroidOptions = {}) {
    this.opts = { ...CENTROID_DEFAULTS, ...stripUndefined(options) };
    this.classes = options.classes ? new Set(options.classes) : null;
  }

  update(dets: Detections, info: FrameInfo): TrackedBoxes {
    const { maxDisappeared, maxDistance, minScore } = this.opts;
    const keep: number[] = [];
    for (let i = 0; i < dets.count; i++) {
      if (dets.scores[i] < minScore) continue;
      if (this.classes && !this.classes.has(dets.classes[i])) continue;
      keep.push(i);
    }
    const nt = this.tracks.length;
    const nd = keep.length;
    const trackOfDet = new Int32Array(nd).fill(-1);
    const matchedTrack = new Uint8Array(nt);

    if (nt > 0 && nd > 0) {
      const n = nt * nd;
      if (this.dist.length < n) {
        this.dist = new Float64Array(n * 2);
        this.order = new Uint32Array(n * 2);
      }
      const dist = this.dist;
      let pairs = 0;
      const order = this.order;
      for (let t = 0; t < nt; t++) {
        const tr = this.tracks[t];
        for (let d = 0; d < nd; d++) {
          const p = 4 * keep[d];
          const dx = (dets.boxes[p] + dets.boxes[p + 2]) / 2 - tr.cx;
          const dy = (dets.boxes[p + 1] + dets.boxes[p + 3]) / 2 - tr.cy;
          const k = t * nd + d;
          dist[k] = Math.hypot(dx, dy);
          // Pairs beyond the gate can never match, so they are not even sorted.
          if (dist[k] <= maxDistance) order[pairs++] = k;
        }
      }
      const sorted = order.subarray(0, pairs).sort((a, b) => dist[a] - dist[b] || a - b);
      for (let s = 0; s < pairs; s++) {
        const k = sorted[s];
        const t = (k / nd) | 0;
        const d = k - t * nd;
        if (matchedTrack[t] || trackOfDet[d] >= 0) continue;
        matchedTrack[t] = 1;
        trackOfDet[d] = t;
      }
    }

    const outIdx: number[] = [];
    const outIds: number[] = [];
    for (let d = 0; d < nd; d++) {
      const i = keep[d];
      const p = 4 * i;
      const cx = (dets.boxes[p] + dets.boxes[p + 2]) / 2;
      const cy = (dets.boxes[p + 1] + dets.boxes[p + 3]) / 2;
      let tr: CentroidTrack;
      if (trackOfDet[d] >= 0) {
        tr = this.tracks[trackOfDet[d]];
        tr.cx = cx;
        tr.cy = cy;
        tr.lastFrame = info.frame;
      } else {
        tr = { id: this.nextId++, cx, cy, lastFrame: info.frame };
        this.tracks.push(tr);
      }
      outIdx.push(i);
      outIds.push(tr.id);
    }
    this.tracks = this.tracks.filter((tr) => info.frame - tr.lastFrame <= maxDisappeared);

    const count = outIdx.length;
    const out: TrackedBoxes = {
      count,
      boxes: new Float32Array(4 * count),
      scores: new Float32Array(count),
      trackIds: new Int32Array(count),
    };
    for (let k = 0; k < count; k++) {
      const i = outIdx[k];
      out.boxes.set(dets.boxes.subarray(4 * i, 4 * i + 4), 4 * k);
      out.scores[k] = dets.scores[i];
      out.trackIds[k] = outIds[k];
    }
    return out;
  }
}

/** Spread-able options without explicit `undefined`s clobbering defaults. */
export function stripUndefined<T extends object>(o: T): Partial<T> {
  const r: Partial<T> = {};
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] !== undefined) r[k] = o[k];
  return r;
}
