// Tracklets: what the online tracker hands over (rows grouped by its id) and what offline
// association needs to know of each one: its span, its boxes and motion at both ends, and how
// sure the detector ever was of it.
import type { TrackRow } from "../types.ts";

/** Rows per track id, each sorted by frame; a duplicate (id, frame) keeps the higher score. */
export function groupTracks(rows: readonly TrackRow[]): Map<number, TrackRow[]> {
  const byId = new Map<number, TrackRow[]>();
  for (const r of rows) {
    let list = byId.get(r.trackId);
    if (!list) byId.set(r.trackId, (list = []));
    list.push(r);
  }
  for (const [id, list] of byId) byId.set(id, sortedUnique(list));
  return byId;
}

/** Sorted by frame, one row per frame (the higher score wins). */
export function sortedUnique(list: TrackRow[]): TrackRow[] {
  list.sort((a, b) => a.frame - b.frame || b.score - a.score);
  return list.filter((r, i) => i === 0 || r.frame !== list[i - 1].frame);
}

/** Constant-velocity fit of a tracklet's box centres near one end, evaluated at that end. */
export interface EndFit {
  x: number;
  y: number;
  /** Pixels per source frame. */
  vx: number;
  vy: number;
  frame: number;
  /** Box height at the end. */
  h: number;
}

/**
 * Least-squares constant-velocity fit of the centres of rows[from, to), evaluated at `anchor`'s
 * frame; `h` is the height of rows[sized] (default: the anchor's).
 */
export function fitMotion(rows: readonly TrackRow[], from: number, to: number, anchor: TrackRow, sized: TrackRow = anchor): EndFit {
  const n = to - from;
  let mf = 0, mx = 0, my = 0;
  for (let i = from; i < to; i++) {
    mf += rows[i].frame;
    mx += (rows[i].x1 + rows[i].x2) / 2;
    my += (rows[i].y1 + rows[i].y2) / 2;
  }
  mf /= n; mx /= n; my /= n;
  let sff = 0, sfx = 0, sfy = 0;
  for (let i = from; i < to; i++) {
    const df = rows[i].frame - mf;
    sff += df * df;
    sfx += df * ((rows[i].x1 + rows[i].x2) / 2 - mx);
    sfy += df * ((rows[i].y1 + rows[i].y2) / 2 - my);
  }
  const vx = sff > 0 ? sfx / sff : 0;
  const vy = sff > 0 ? sfy / sff : 0;
  return { x: mx + vx * (anchor.frame - mf), y: my + vy * (anchor.frame - mf), vx, vy, frame: anchor.frame, h: sized.y2 - sized.y1 };
}

export interface Tracklet {
  id: number;
  first: number;
  last: number;
  rows: number;
  /** Rows that scored at least `fitMinScore` (see summarise). */
  sureRows: number;
  /** First and last observed rows. */
  head: TrackRow;
  tail: TrackRow;
  /** Position, motion and size at the first / last row (see summarise). */
  start: EndFit;
  end: EndFit;
  /** Highest detection score along the tracklet: offline confirmation looks at it. */
  peakScore: number;
}

/**
 * A tracklet's summary. Its end is where a constant-velocity fit of its last `velocityWindow`
 * rows puts it at its last frame (its start likewise); the velocity and box height there come
 * from the last rows that scored at least `fitMinScore`. A person being hidden is often tracked on
 * for a few frames through weak boxes of what still shows (a head, a shoulder): those boxes mark
 * where the person was last seen, but they are shorter and pulled sideways, and a velocity or
 * height taken from them makes someone standing still look as if they shrank or walked off.
 * Without enough sure rows, all rows are used.
 */
export function summarise(id: number, list: readonly TrackRow[], velocityWindow: number, fitMinScore = 0): Tracklet {
  let peakScore = 0;
  for (const r of list) if (r.score > peakScore) peakScore = r.score;
  const head = list[0], tail = list[list.length - 1];
  const k = Math.min(velocityWindow, list.length);
  const start = fitMotion(list, 0, k, head), end = fitMotion(list, list.length - k, list.length, tail);
  const sure = fitMinScore > 0 ? list.filter((r) => r.score >= fitMinScore) : list;
  if (sure.length < list.length && sure.length >= Math.min(k, 3)) {
    const ks = Math.min(velocityWindow, sure.length);
    const s = fitMotion(sure, 0, ks, head, sure[0]), e = fitMotion(sure, sure.length - ks, sure.length, tail, sure[sure.length - 1]);
    Object.assign(start, { vx: s.vx, vy: s.vy, h: s.h });
    Object.assign(end, { vx: e.vx, vy: e.vy, h: e.h });
  }
  return { id, first: head.frame, last: tail.frame, rows: list.length, sureRows: sure.length, head, tail, start, end, peakScore };
}

/** Index of the first tracklet (sorted by start) that starts after `frame`. */
export function firstStartingAfter(tracks: readonly Tracklet[], frame: number): number {
  let lo = 0, hi = tracks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tracks[mid].first <= frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Tracklet ids for the online tracker's ids, with a new tracklet wherever the tracker took a
 * track back after missing it for `minMissed` analysed frames or more. The tracker decides such a
 * return from where its motion model says the lost person should be by now, a guess that grows
 * worse with every frame predicted without a box (someone entering at the border, whose clipped
 * box barely moves, is still "at the border" when another person leaves there). Cut there,
 * offline association weighs the return against every other continuation, with motion fitted
 * from both sides of the gap; a return it agrees with is joined again.
 */
export class TrackletIds {
  private readonly seen = new Map<number, { frame: number; id: number }>();
  private next = 1;

  constructor(private readonly stride: number, private readonly minMissed: number) {}

  /**
   * The tracklet id of the tracker's `trackerId` at analysed source frame `frame` (frames in
   * order); `cut(from, to)` hears of each new tracklet that the tracker continued from another.
   */
  id(trackerId: number, frame: number, cut?: (from: number, to: number) => void): number {
    const s = this.seen.get(trackerId);
    if (s && Math.round((frame - s.frame) / this.stride) - 1 < this.minMissed) {
      s.frame = frame;
      return s.id;
    }
    const id = this.next++;
    if (s) cut?.(s.id, id);
    this.seen.set(trackerId, { frame, id });
    return id;
  }

  /** Tracklet ids handed out so far (they run 1, 2, ...). */
  get issued(): number {
    return this.next - 1;
  }

  /** Forgets tracker ids last seen before `frame`: the caller knows the tracker has dropped them, or would cut their return anyway. */
  forget(frame: number): void {
    for (const [k, s] of this.seen) if (s.frame < frame) this.seen.delete(k);
  }
}
