// Offline track repair. Online trackers must decide now; offline we know the future, so two
// cheap fixes remove most of the breaks that inflate visitor counts and shorten dwell times:
//  (a) gaps inside a track (missed detections) are filled by linear interpolation;
//  (b) fragments (the tracker gave up, then started a new id for the same person) are stitched
//      when the first fragment, extrapolated at constant velocity over the gap, lands where the
//      second begins and both move the same way.
// All functions are pure: input rows are never mutated.

import type { TrackRow } from "../types.ts";
import { linearAssignment } from "./assignment.ts";

export interface RepairOptions {
  /** Longest gap (source frames with no observation, i.e. next.frame - prev.frame - stride) that is filled or stitched across. Default 30. */
  maxGapFrames?: number;
  /** Analysis stride: rows exist only every `stride` source frames, so only those frames are filled. Default 1. */
  stride?: number;
  /** Fill gaps by linear interpolation. Default true. */
  interpolate?: boolean;
  /** Stitch fragments. Default true. */
  stitch?: boolean;
  /** Points at a fragment's end/start used to fit its velocity (least squares). Default 5. */
  velocityWindow?: number;
  /** Max distance between the extrapolated end and the next fragment's start, in box heights. Default 0.5. */
  maxStitchDistance?: number;
  /** Min cosine between end and start velocities when both move. Default 0.5 (within 60 degrees). */
  minDirectionCos?: number;
  /** Speed (px per source frame) below which a fragment counts as standing and its direction is not compared. Default 0.5. */
  minSpeed?: number;
  /** Max ratio of the two fragments' box heights at the join. Default 1.5. */
  maxHeightRatio?: number;
}

export const REPAIR_DEFAULTS: Readonly<Required<RepairOptions>> = Object.freeze({
  maxGapFrames: 30,
  stride: 1,
  interpolate: true,
  stitch: true,
  velocityWindow: 5,
  maxStitchDistance: 0.5,
  minDirectionCos: 0.5,
  minSpeed: 0.5,
  maxHeightRatio: 1.5,
});

function resolve(o: RepairOptions): Required<RepairOptions> {
  const r = { ...REPAIR_DEFAULTS } as Required<RepairOptions>;
  for (const k of Object.keys(o) as (keyof RepairOptions)[]) {
    if (o[k] !== undefined) (r as unknown as Record<string, unknown>)[k] = o[k];
  }
  if (!(r.stride >= 1)) throw new Error(`repair: stride must be >= 1, got ${r.stride}`);
  return r;
}

/** Rows per track id, each sorted by frame; a duplicate (id, frame) keeps the higher score. */
function groupTracks(rows: readonly TrackRow[]): Map<number, TrackRow[]> {
  const byId = new Map<number, TrackRow[]>();
  for (const r of rows) {
    let list = byId.get(r.trackId);
    if (!list) byId.set(r.trackId, (list = []));
    list.push(r);
  }
  for (const [id, list] of byId) {
    list.sort((a, b) => a.frame - b.frame || b.score - a.score);
    byId.set(id, list.filter((r, i) => i === 0 || r.frame !== list[i - 1].frame));
  }
  return byId;
}

interface EndFit {
  /** Fitted centre at the anchor frame. */
  x: number;
  y: number;
  vx: number;
  vy: number;
  frame: number;
  h: number;
}

/** Least-squares constant-velocity fit of the centres of rows[from, to), anchored at `anchor`'s frame. */
function fitMotion(rows: TrackRow[], from: number, to: number, anchor: TrackRow): EndFit {
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
  return {
    x: mx + vx * (anchor.frame - mf),
    y: my + vy * (anchor.frame - mf),
    vx, vy,
    frame: anchor.frame,
    h: anchor.y2 - anchor.y1,
  };
}

export interface Stitch {
  /** Id of the fragment that ends first. */
  from: number;
  /** Id of the fragment that starts after it. */
  to: number;
  /** Extrapolation error in box heights. */
  cost: number;
}

/**
 * Candidate joins chosen by optimal one-to-one assignment (each fragment continues into at most
 * one other and is continued by at most one), solved per connected group of candidates so a
 * long video never builds a tracks x tracks matrix.
 */
export function findStitches(rows: readonly TrackRow[], options: RepairOptions = {}): Stitch[] {
  const o = resolve(options);
  const tracks = [...groupTracks(rows)].map(([id, list]) => {
    const k = Math.min(o.velocityWindow, list.length);
    return {
      id,
      first: list[0].frame,
      last: list[list.length - 1].frame,
      end: fitMotion(list, list.length - k, list.length, list[list.length - 1]),
      start: fitMotion(list, 0, k, list[0]),
    };
  });
  tracks.sort((a, b) => a.first - b.first || a.id - b.id);

  const cands: Stitch[] = [];
  for (const a of tracks) {
    // Only fragments starting inside (a.last, a.last + stride + maxGapFrames] can continue `a`;
    // tracks are sorted by start, so binary-search the window instead of scanning all pairs.
    let lo = 0, hi = tracks.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (tracks[mid].first <= a.last) lo = mid + 1;
      else hi = mid;
    }
    for (let j = lo; j < tracks.length; j++) {
      const b = tracks[j];
      const delta = b.first - a.last;
      if (delta - o.stride > o.maxGapFrames) break;
      const ha = a.end.h, hb = b.start.h;
      if (!(ha > 0 && hb > 0) || Math.max(ha, hb) / Math.min(ha, hb) > o.maxHeightRatio) continue;
      const err = Math.hypot(a.end.x + a.end.vx * delta - b.start.x, a.end.y + a.end.vy * delta - b.start.y);
      const cost = err / ((ha + hb) / 2);
      if (cost > o.maxStitchDistance) continue;
      const sa = Math.hypot(a.end.vx, a.end.vy);
      const sb = Math.hypot(b.start.vx, b.start.vy);
      if (sa >= o.minSpeed && sb >= o.minSpeed) {
        const cos = (a.end.vx * b.start.vx + a.end.vy * b.start.vy) / (sa * sb);
        if (cos < o.minDirectionCos) continue;
      }
      cands.push({ from: a.id, to: b.id, cost });
    }
  }
  if (cands.length === 0) return [];

  // Connected groups of the bipartite "ender -> starter" candidate graph (union-find on ids,
  // enders and starters kept apart by sign since one fragment is both).
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(x, r);
    return r;
  };
  const add = (x: string) => { if (!parent.has(x)) parent.set(x, x); };
  for (const c of cands) {
    const u = `e${c.from}`, v = `s${c.to}`;
    add(u); add(v);
    parent.set(find(u), find(v));
  }
  const groups = new Map<string, Stitch[]>();
  for (const c of cands) {
    const g = find(`e${c.from}`);
    let list = groups.get(g);
    if (!list) groups.set(g, (list = []));
    list.push(c);
  }

  const chosen: Stitch[] = [];
  for (const group of groups.values()) {
    const enders = [...new Set(group.map((c) => c.from))];
    const starters = [...new Set(group.map((c) => c.to))];
    const cost = new Float64Array(enders.length * starters.length).fill(NaN);
    for (const c of group) cost[enders.indexOf(c.from) * starters.length + starters.indexOf(c.to)] = c.cost;
    const a = linearAssignment(cost, enders.length, starters.length, o.maxStitchDistance);
    for (let i = 0; i < enders.length; i++) {
      const j = a.rowToCol[i];
      if (j >= 0) chosen.push({ from: enders[i], to: starters[j], cost: cost[i * starters.length + j] });
    }
  }
  return chosen.sort((x, y) => x.from - y.from);
}

/** Map from every stitched id to the id of the earliest fragment of its chain. */
export function stitchIdMap(stitches: readonly Stitch[]): Map<number, number> {
  const next = new Map<number, number>();
  const hasPrev = new Set<number>();
  for (const s of stitches) {
    next.set(s.from, s.to);
    hasPrev.add(s.to);
  }
  const map = new Map<number, number>();
  for (const s of stitches) {
    if (hasPrev.has(s.from)) continue; // not a chain head
    for (let id = next.get(s.from); id !== undefined; id = next.get(id)) map.set(id, s.from);
  }
  return map;
}

/**
 * Fill gaps of at most `maxGapFrames` inside each track with rows at prev.frame + stride,
 * prev.frame + 2*stride, ... (< next.frame). Box, t are linear in frame; score is the lower of
 * the two neighbours (a fill is no more certain than its weakest anchor, and a score of 0 would
 * make score filters silently drop the fills). Returns all rows sorted by (frame, trackId).
 */
export function interpolateGaps(rows: readonly TrackRow[], options: RepairOptions = {}): TrackRow[] {
  const o = resolve(options);
  const out: TrackRow[] = [];
  for (const list of groupTracks(rows).values()) {
    for (let i = 0; i < list.length; i++) {
      const a = list[i];
      out.push({ ...a });
      if (i + 1 === list.length) break;
      const b = list[i + 1];
      const delta = b.frame - a.frame;
      if (delta <= o.stride || delta - o.stride > o.maxGapFrames) continue;
      const score = Math.min(a.score, b.score);
      for (let f = a.frame + o.stride; f < b.frame; f += o.stride) {
        const u = (f - a.frame) / delta;
        out.push({
          frame: f,
          t: a.t + (b.t - a.t) * u,
          trackId: a.trackId,
          x1: a.x1 + (b.x1 - a.x1) * u,
          y1: a.y1 + (b.y1 - a.y1) * u,
          x2: a.x2 + (b.x2 - a.x2) * u,
          y2: a.y2 + (b.y2 - a.y2) * u,
          score,
          interpolated: true,
        });
      }
    }
  }
  return out.sort((p, q) => p.frame - q.frame || p.trackId - q.trackId);
}

/**
 * Stitch fragments, then fill gaps (including the ones stitching just created). Returns new rows
 * sorted by (frame, trackId); a duplicate (trackId, frame) in the input keeps only its
 * higher-score row.
 */
export function repairTracks(rows: readonly TrackRow[], options: RepairOptions = {}): TrackRow[] {
  const o = resolve(options);
  let work: readonly TrackRow[] = rows;
  if (o.stitch) {
    const ids = stitchIdMap(findStitches(rows, o));
    if (ids.size > 0) work = rows.map((r) => (ids.has(r.trackId) ? { ...r, trackId: ids.get(r.trackId)! } : r));
  }
  if (o.interpolate) return interpolateGaps(work, o);
  return work.map((r) => ({ ...r })).sort((p, q) => p.frame - q.frame || p.trackId - q.trackId);
}
