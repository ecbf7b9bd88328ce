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

/** What stitching needs to know of a fragment: its span and its motion at both ends. */
interface FragmentSummary {
  id: number;
  first: number;
  last: number;
  rows: number;
  end: EndFit;
  start: EndFit;
}

function summarise(id: number, list: TrackRow[], o: Required<RepairOptions>): FragmentSummary {
  const k = Math.min(o.velocityWindow, list.length);
  return {
    id,
    first: list[0].frame,
    last: list[list.length - 1].frame,
    rows: list.length,
    end: fitMotion(list, list.length - k, list.length, list[list.length - 1]),
    start: fitMotion(list, 0, k, list[0]),
  };
}

/** Index of the first fragment (sorted by start) that starts after `frame`. */
function firstStartingAfter(tracks: readonly FragmentSummary[], frame: number): number {
  let lo = 0, hi = tracks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tracks[mid].first <= frame) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Every join that passes the gates: `b` starts within the gap after `a` ends, has a similar
 * height, lies where `a` extrapolated at constant velocity lands, and moves the same way.
 * `tracks` are sorted by (first, id); `skip(a, b)` leaves out pairs already decided.
 */
function stitchCandidates(tracks: readonly FragmentSummary[], o: Required<RepairOptions>, skip?: (a: number, b: number) => boolean): Stitch[] {
  const cands: Stitch[] = [];
  for (const a of tracks) {
    // Only fragments starting inside (a.last, a.last + stride + maxGapFrames] can continue `a`;
    // tracks are sorted by start, so binary-search the window instead of scanning all pairs.
    for (let j = firstStartingAfter(tracks, a.last); j < tracks.length; j++) {
      const b = tracks[j];
      const delta = b.first - a.last;
      if (delta - o.stride > o.maxGapFrames) break;
      if (skip?.(a.id, b.id)) continue;
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
  return cands;
}

/**
 * Connected groups of the bipartite "ender -> starter" candidate graph (union-find on ids,
 * enders and starters kept apart since one fragment is both), each with its candidates in
 * candidate order.
 */
function stitchGroups(cands: readonly Stitch[]): Stitch[][] {
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
  return [...groups.values()];
}

/** The joins of one group: optimal one-to-one assignment (each fragment continues into at most one other). */
function solveGroup(group: readonly Stitch[], o: Required<RepairOptions>): Stitch[] {
  const enders = [...new Set(group.map((c) => c.from))];
  const starters = [...new Set(group.map((c) => c.to))];
  const cost = new Float64Array(enders.length * starters.length).fill(NaN);
  for (const c of group) cost[enders.indexOf(c.from) * starters.length + starters.indexOf(c.to)] = c.cost;
  const a = linearAssignment(cost, enders.length, starters.length, o.maxStitchDistance);
  const chosen: Stitch[] = [];
  for (let i = 0; i < enders.length; i++) {
    const j = a.rowToCol[i];
    if (j >= 0) chosen.push({ from: enders[i], to: starters[j], cost: cost[i * starters.length + j] });
  }
  return chosen;
}

/**
 * Candidate joins chosen by optimal one-to-one assignment (each fragment continues into at most
 * one other and is continued by at most one), solved per connected group of candidates so a
 * long video never builds a tracks x tracks matrix.
 */
export function findStitches(rows: readonly TrackRow[], options: RepairOptions = {}): Stitch[] {
  const o = resolve(options);
  const tracks = [...groupTracks(rows)].map(([id, list]) => summarise(id, list, o));
  tracks.sort((a, b) => a.first - b.first || a.id - b.id);
  return stitchGroups(stitchCandidates(tracks, o)).flatMap((g) => solveGroup(g, o)).sort((x, y) => x.from - y.from);
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
  for (const list of groupTracks(rows).values()) fillTrack(list, list[0].trackId, o, out);
  return out.sort((p, q) => p.frame - q.frame || p.trackId - q.trackId);
}

/** Copies one track's rows (sorted, one per frame) into `out` under `id`, with the gaps filled when `o.interpolate`. */
function fillTrack(list: readonly TrackRow[], id: number, o: Required<RepairOptions>, out: TrackRow[]): void {
  for (let i = 0; i < list.length; i++) {
    const a = list[i];
    out.push({ ...a, trackId: id });
    if (!o.interpolate || i + 1 === list.length) continue;
    const b = list[i + 1];
    const delta = b.frame - a.frame;
    if (delta <= o.stride || delta - o.stride > o.maxGapFrames) continue;
    const score = Math.min(a.score, b.score);
    for (let f = a.frame + o.stride; f < b.frame; f += o.stride) {
      const u = (f - a.frame) / delta;
      out.push({
        frame: f,
        t: a.t + (b.t - a.t) * u,
        trackId: id,
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

/**
 * Stitch fragments, then fill gaps (including the ones stitching just created). Returns new rows
 * sorted by (frame, trackId); a duplicate (trackId, frame) in the input keeps only its
 * higher-score row.
 */
export function repairTracks(rows: readonly TrackRow[], options: RepairOptions = {}): TrackRow[] {
  const repairer = new TrackRepairer(options);
  for (const r of rows) repairer.add(r);
  return repairer.finish().sort((p, q) => p.frame - q.frame || p.trackId - q.trackId);
}

export interface StreamingRepairOptions extends RepairOptions {
  /**
   * Source frames after its last row from which a fragment can no longer change: the tracker
   * has dropped it (its lost-track buffer), so it gets no more rows. Must be at least the
   * tracker's buffer plus one stride. Default Infinity: nothing settles before `finish`.
   */
  settleFrames?: number;
}

/**
 * The same repair, fed frame by frame, handing back each person's rows as soon as no later frame
 * can change them, so a long video never holds all its tracks in memory. `repairTracks` is this
 * fed everything at once; the streaming answer is the same because a join is decided only when
 * every fragment that could take part in it has settled (see `drain`).
 */
export class TrackRepairer {
  private readonly o: Required<RepairOptions>;
  private readonly settleFrames: number;
  /** Fragments not yet handed back, by tracker id; `sorted` is false after an out-of-order row. */
  private readonly open = new Map<number, { rows: TrackRow[]; sorted: boolean }>();
  /** Decided joins: the fragment that continues an id (null: none), and the one it continues. */
  private readonly next = new Map<number, number | null>();
  private readonly prev = new Map<number, number | null>();

  constructor(options: StreamingRepairOptions = {}) {
    this.o = resolve(options);
    this.settleFrames = options.settleFrames ?? Infinity;
    const minSettle = this.o.stride + this.o.maxGapFrames;
    if (!(this.settleFrames >= minSettle)) throw new Error(`repair: settleFrames must be >= stride + maxGapFrames (${minSettle}), got ${this.settleFrames}`);
  }

  add(row: TrackRow): void {
    let f = this.open.get(row.trackId);
    if (!f) this.open.set(row.trackId, (f = { rows: [], sorted: true }));
    const last = f.rows[f.rows.length - 1];
    if (last && row.frame <= last.frame) f.sorted = false;
    f.rows.push(row);
  }

  /** First frame of the oldest fragment still held: nothing before it will be handed back again. */
  get oldestFrame(): number {
    let min = Infinity;
    for (const f of this.open.values()) min = Math.min(min, f.rows[0].frame);
    return min;
  }

  /** Rows that are final once the video has reached source frame `frame` (any order). */
  drain(frame: number): TrackRow[] {
    return this.step((last) => frame - last > this.settleFrames);
  }

  /** Every remaining row: the end of the video. */
  finish(): TrackRow[] {
    return this.step(() => true);
  }

  private lists(): Map<number, TrackRow[]> {
    const out = new Map<number, TrackRow[]>();
    for (const [id, f] of this.open) {
      if (!f.sorted) {
        f.rows.sort((a, b) => a.frame - b.frame || b.score - a.score);
        f.rows = f.rows.filter((r, i) => i === 0 || r.frame !== f.rows[i - 1].frame);
        f.sorted = true;
      }
      out.set(id, f.rows);
    }
    return out;
  }

  private step(settledAt: (lastFrame: number) => boolean): TrackRow[] {
    const o = this.o;
    const lists = this.lists();
    const tracks = [...lists].map(([id, list]) => summarise(id, list, o)).sort((a, b) => a.first - b.first || a.id - b.id);
    const byId = new Map(tracks.map((t) => [t.id, t]));
    const settled = (id: number) => settledAt(byId.get(id)!.last);
    // A fragment's start motion is final once it has its velocity window of rows or has settled.
    const startFinal = (t: FragmentSummary) => t.rows >= o.velocityWindow || settledAt(t.last);
    // The fragments that could continue `a`: all must be there with their start motion final.
    const windowFinal = (a: FragmentSummary) => {
      for (let j = firstStartingAfter(tracks, a.last); j < tracks.length && tracks[j].first - a.last - o.stride <= o.maxGapFrames; j++) {
        if (!startFinal(tracks[j])) return false;
      }
      return true;
    };

    if (o.stitch) {
      // A group is decided when each of its fragments has settled and every fragment that could
      // still join one of its enders is final: then no later frame adds a candidate to it (a
      // fragment starting later is past every ender's gap; one ending later ends after every
      // starter began), so the assignment is the one the whole video would give.
      const cands = stitchCandidates(tracks, o, (a, b) => this.next.has(a) || this.prev.has(b));
      for (const group of stitchGroups(cands)) {
        const ids = new Set(group.flatMap((c) => [c.from, c.to]));
        if (![...ids].every(settled)) continue;
        if (![...new Set(group.map((c) => c.from))].every((a) => windowFinal(byId.get(a)!))) continue;
        const chosen = solveGroup(group, o);
        for (const c of group) {
          if (!this.next.has(c.from)) this.next.set(c.from, chosen.find((x) => x.from === c.from)?.to ?? null);
          if (!this.prev.has(c.to)) this.prev.set(c.to, chosen.find((x) => x.to === c.to)?.from ?? null);
        }
      }
      const inGroup = new Set(cands.flatMap((c) => [`e${c.from}`, `s${c.to}`]));
      for (const t of tracks) {
        if (!settledAt(t.last)) continue;
        if (!this.next.has(t.id) && !inGroup.has(`e${t.id}`) && windowFinal(t)) this.next.set(t.id, null);
        if (!this.prev.has(t.id) && !inGroup.has(`s${t.id}`)) this.prev.set(t.id, null);
      }
    } else {
      for (const t of tracks) {
        if (!settledAt(t.last)) continue;
        this.next.set(t.id, null);
        this.prev.set(t.id, null);
      }
    }

    // Hand back whole chains (head -> ... -> tail) whose every join is decided, under the head's id.
    const out: TrackRow[] = [];
    for (const t of tracks) {
      if (this.prev.get(t.id) !== null) continue; // not a decided chain head
      const chain = [t.id];
      let id: number | null | undefined = this.next.get(t.id);
      while (id != null) {
        chain.push(id);
        id = this.next.get(id);
      }
      if (id === undefined) continue; // the chain's end is not decided yet
      const merged = chain.flatMap((c) => lists.get(c)!);
      fillTrack(merged, t.id, o, out);
      for (const c of chain) {
        this.open.delete(c);
        this.next.delete(c);
        this.prev.delete(c);
      }
    }
    return out;
  }
}
