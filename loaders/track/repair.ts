// Offline association and repair. Online trackers must decide now; offline we know the
// future, so tracklets (the online tracker's ids) are linked into people and their gaps filled:
//  (a) linking: a min-cost assignment between tracklets that end and tracklets that begin
//      (costs and the scene's entry/exit costs in ./link-cost.ts), solved per connected group of
//      candidate links, so a long video never builds a tracks x tracks matrix;
//  (b) confirmation: a person whose detections never reached `minPeakScore` is dropped (the
//      online tracker may start tracks on weak boxes because hindsight can judge them here);
//  (c) gaps inside a person's track (missed detections, hidden stretches) are filled by linear
//      interpolation.
// All functions are pure: input rows are never mutated.

import type { TrackRow } from "../types.ts";
import { linearAssignment } from "./assignment.ts";
import { entryCost, exitCost, LINK_COST_DEFAULTS, linkCost, type LinkCostOptions, type ResolvedLinkCost } from "./link-cost.ts";
import { firstStartingAfter, groupTracks, sortedUnique, summarise, type Tracklet } from "./tracklets.ts";

export interface RepairOptions extends LinkCostOptions {
  /** Longest gap (source frames with no observation, i.e. next.frame - prev.frame - stride) that is filled or linked across. Default 30. */
  maxGapFrames?: number;
  /** Analysis stride: rows exist only every `stride` source frames, so only those frames are filled. Default 1. */
  stride?: number;
  /** Fill gaps by linear interpolation. Default true. */
  interpolate?: boolean;
  /** Link tracklets. Default true. */
  stitch?: boolean;
  /** Rows at a tracklet's end/start used to fit its velocity (least squares). Default 5. */
  velocityWindow?: number;
  /** Rows scoring below this are left out of a tracklet's end fits when it has enough others (see summarise). Default 0: all rows. */
  fitMinScore?: number;
  /** A person (linked chain) whose best detection scored below this is dropped. Default 0: keep all. */
  minPeakScore?: number;
  /** First analysed source frame of the footage: tracklets there were already in view. Default 0. */
  firstFrame?: number;
}

type Resolved = ResolvedLinkCost & Required<Omit<RepairOptions, keyof LinkCostOptions>>;

export const REPAIR_DEFAULTS = Object.freeze({
  ...LINK_COST_DEFAULTS,
  maxGapFrames: 30,
  stride: 1,
  interpolate: true,
  stitch: true,
  velocityWindow: 5,
  fitMinScore: 0,
  minPeakScore: 0,
  firstFrame: 0,
});

function resolve(o: RepairOptions): Resolved {
  const r = { ...REPAIR_DEFAULTS } as Resolved;
  for (const k of Object.keys(o) as (keyof RepairOptions)[]) {
    if (o[k] !== undefined) (r as unknown as Record<string, unknown>)[k] = o[k];
  }
  if (!(r.stride >= 1)) throw new Error(`repair: stride must be >= 1, got ${r.stride}`);
  return r;
}

export interface Stitch {
  /** Id of the tracklet that ends first. */
  from: number;
  /** Id of the tracklet that starts after it. */
  to: number;
  /** Link cost (./link-cost.ts). */
  cost: number;
}

/** How much cheaper than ending one tracklet and beginning the other a tracker's own return is, when the gates would refuse it. */
const TOOK_BACK_MARGIN = 0.05;

/** Where the footage starts and (once it has ended) ends, for the entry/exit costs. */
interface Span { start: number; end: number }

/**
 * Every link that passes the gates: `b` starts within the gap after `a` ends and the link costs
 * less than letting `a` end and `b` begin. `tracks` are sorted by (first, id); `skip(a, b)`
 * leaves out pairs already decided.
 */
function stitchCandidates(tracks: readonly Tracklet[], o: Resolved, span: Span, skip?: (a: number, b: number) => boolean, tookBack?: (b: number) => number | undefined): Stitch[] {
  const cands: Stitch[] = [];
  for (const a of tracks) {
    // Only tracklets starting inside (a.last, a.last + stride + maxGapFrames] can continue `a`;
    // tracks are sorted by start, so binary-search the window instead of scanning all pairs.
    const leave = exitCost(a, o, span.end, o.stride);
    for (let j = firstStartingAfter(tracks, a.last); j < tracks.length; j++) {
      const b = tracks[j];
      if (b.first - a.last - o.stride > o.maxGapFrames) break;
      if (skip?.(a.id, b.id)) continue;
      const apart = leave + entryCost(b, o, span.start, o.stride);
      let cost = linkCost(a, b, o);
      // the online tracker's own return stands unless something fits better (TrackRepairer.tookBack)
      if (tookBack?.(b.id) === a.id) cost = Math.min(cost, apart - TOOK_BACK_MARGIN);
      if (cost < apart) cands.push({ from: a.id, to: b.id, cost });
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

/**
 * The links of one group: the assignment minimising link costs plus the exit cost of every
 * tracklet left without a successor and the entry cost of every one left without a predecessor.
 */
function solveGroup(group: readonly Stitch[], byId: ReadonlyMap<number, Tracklet>, o: Resolved, span: Span): Stitch[] {
  const enders = [...new Set(group.map((c) => c.from))];
  const starters = [...new Set(group.map((c) => c.to))];
  const leave = enders.map((id) => exitCost(byId.get(id)!, o, span.end, o.stride));
  const begin = starters.map((id) => entryCost(byId.get(id)!, o, span.start, o.stride));
  // cost - exit - entry <= 0 means the link beats ending and beginning apart: gate at 0
  const cost = new Float64Array(enders.length * starters.length).fill(NaN);
  for (const c of group) {
    const i = enders.indexOf(c.from), j = starters.indexOf(c.to);
    cost[i * starters.length + j] = c.cost - leave[i] - begin[j];
  }
  const a = linearAssignment(cost, enders.length, starters.length, 0);
  const chosen: Stitch[] = [];
  for (let i = 0; i < enders.length; i++) {
    const j = a.rowToCol[i];
    if (j >= 0) chosen.push({ from: enders[i], to: starters[j], cost: cost[i * starters.length + j] + leave[i] + begin[j] });
  }
  return chosen;
}

/** The links the whole video gives (what `repairTracks` joins), by the id that ends first. */
export function findStitches(rows: readonly TrackRow[], options: RepairOptions = {}): Stitch[] {
  const o = resolve(options);
  const tracks = [...groupTracks(rows)].map(([id, list]) => summarise(id, list, o.velocityWindow, o.fitMinScore));
  tracks.sort((a, b) => a.first - b.first || a.id - b.id);
  const span = { start: o.firstFrame, end: Math.max(...tracks.map((t) => t.last)) };
  const byId = new Map(tracks.map((t) => [t.id, t]));
  return stitchGroups(stitchCandidates(tracks, o, span)).flatMap((g) => solveGroup(g, byId, o, span)).sort((x, y) => x.from - y.from);
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
function fillTrack(list: readonly TrackRow[], id: number, o: Resolved, out: TrackRow[]): void {
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
  private readonly o: Resolved;
  private readonly settleFrames: number;
  /** Fragments not yet handed back, by tracker id; `sorted` is false after an out-of-order row. */
  private readonly open = new Map<number, { rows: TrackRow[]; sorted: boolean }>();
  /** Decided joins: the fragment that continues an id (null: none), and the one it continues. */
  private readonly next = new Map<number, number | null>();
  private readonly prev = new Map<number, number | null>();
  /** Tracklets the online tracker continued from another across a gap (see tookBack), by the later one. */
  private readonly returns = new Map<number, number>();
  /** Latest source frame seen: where the footage ends unless `finish` is told otherwise. */
  private lastFrame = -Infinity;

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
    if (row.frame > this.lastFrame) this.lastFrame = row.frame;
  }

  /**
   * The online tracker continued tracklet `from` as `to` after missing it for a while (the caller
   * cut it there: TrackletIds). Linking decides that return again like any other join, but where
   * the gates refuse it and nothing else continues `from` or precedes `to`, the tracker's word
   * stands, as it did before the cut: someone who turned round while hidden is still one person.
   */
  tookBack(from: number, to: number): void {
    this.returns.set(to, from);
  }

  /** First frame of the oldest fragment still held: nothing before it will be handed back again. */
  get oldestFrame(): number {
    let min = Infinity;
    for (const f of this.open.values()) min = Math.min(min, f.rows[0].frame);
    return min;
  }

  /** Rows that are final once the video has reached source frame `frame` (any order). */
  drain(frame: number): TrackRow[] {
    return this.step((last) => frame - last > this.settleFrames, Infinity);
  }

  /** Every remaining row: the end of the video, whose last analysed frame is `endFrame` (default: the last row's). */
  finish(endFrame = this.lastFrame): TrackRow[] {
    return this.step(() => true, endFrame);
  }

  private lists(): Map<number, TrackRow[]> {
    const out = new Map<number, TrackRow[]>();
    for (const [id, f] of this.open) {
      if (!f.sorted) {
        f.rows = sortedUnique(f.rows);
        f.sorted = true;
      }
      out.set(id, f.rows);
    }
    return out;
  }

  private step(settledAt: (lastFrame: number) => boolean, end: number): TrackRow[] {
    const o = this.o;
    const span = { start: o.firstFrame, end };
    const lists = this.lists();
    const tracks = [...lists].map(([id, list]) => summarise(id, list, o.velocityWindow, o.fitMinScore)).sort((a, b) => a.first - b.first || a.id - b.id);
    const byId = new Map(tracks.map((t) => [t.id, t]));
    const settled = (id: number) => settledAt(byId.get(id)!.last);
    // A fragment's start motion is final once it has its velocity window of sure rows (then
    // both of summarise's fits are) or has settled.
    const startFinal = (t: Tracklet) => t.sureRows >= o.velocityWindow || settledAt(t.last);
    // The fragments that could continue `a`: all must be there with their start motion final.
    const windowFinal = (a: Tracklet) => {
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
      const cands = stitchCandidates(tracks, o, span, (a, b) => this.next.has(a) || this.prev.has(b), (b) => this.returns.get(b));
      for (const group of stitchGroups(cands)) {
        const ids = new Set(group.flatMap((c) => [c.from, c.to]));
        if (![...ids].every(settled)) continue;
        if (![...new Set(group.map((c) => c.from))].every((a) => windowFinal(byId.get(a)!))) continue;
        const chosen = solveGroup(group, byId, o, span);
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
      if (chain.some((c) => byId.get(c)!.peakScore >= o.minPeakScore)) fillTrack(merged, t.id, o, out);
      for (const c of chain) {
        this.open.delete(c);
        this.next.delete(c);
        this.returns.delete(c);
        this.prev.delete(c);
      }
    }
    return out;
  }
}
