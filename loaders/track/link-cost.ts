// What it costs to say that tracklet b continues tracklet a (the same person, hidden or missed
// for a while), and what it costs to say that a tracklet begins or ends a person's visit.
//
// Offline association is a min-cost assignment over these costs (loaders/track/repair.ts): a
// link is taken when it is cheaper than letting `a` end and `b` begin on their own. The
// entry/exit costs carry the scene: people appear and leave at the picture's edges, at
// configured entrances and at the start and end of the footage; a tracklet that begins or ends
// in the middle of the picture is far more likely a person the detector lost for a while. So a
// mid-picture end and a mid-picture start are linked on weaker motion evidence than an exit at
// the edge, and a tracklet that walked out of the picture (towards the border it ended at, or
// into an entrance) is never continued (a return is a new visit: there is no re-identification).
//
// Units are seconds and box heights, never frames or pixels, so one set of defaults holds at 25
// fps and at 2 fps, for a person 60 px tall and one 300 px tall.
import { pointInPolygon, type Point } from "../geometry/plane.ts";
import type { TrackRow } from "../types.ts";
import type { Tracklet } from "./tracklets.ts";

export interface LinkCostOptions {
  /** Source frames per second. Default 25. */
  fps?: number;
  /** Box heights per second: slower is "standing", whose direction is not compared. Default 0.1. */
  minSpeed?: number;
  /** Box heights per second a person may move while unseen (extrapolation is clamped to it). Default 1.5. */
  maxSpeed?: number;
  /** Motion tolerance in box heights: `base + perSecond x gap`. Default 0.5 + 0.5/s. */
  motionTolerance?: { base: number; perSecond: number };
  /** Min cosine between end and start velocities when both move. Default 0.5 (within 60 degrees). */
  minDirectionCos?: number;
  /** Max ratio of the two tracklets' box heights at the join. Default 1.5. */
  maxHeightRatio?: number;
  /** Cost per second of gap. Default 0.1. */
  gapCostPerSecond?: number;
  /** Beginning a visit: at an edge, entrance or the footage's start; in the middle of the picture. Default 0.3 / 1.5. */
  entryCost?: { edge: number; interior: number };
  /** Ending a visit, likewise. Default 0.3 / 1.5. */
  exitCost?: { edge: number; interior: number };
  /** Source video size; without it no edge is known and every tracklet is "interior". */
  frameSize?: readonly [number, number];
  /** A box within this share of the picture's width/height from a border touches the edge. Default 0.02. */
  edgeMargin?: number;
  /** Entrance polygons (source pixels): a foot point inside one counts as at an edge. */
  entrances?: readonly (readonly Point[])[];
}

export type ResolvedLinkCost = Required<Omit<LinkCostOptions, "frameSize" | "entrances">> & Pick<LinkCostOptions, "frameSize" | "entrances">;

export const LINK_COST_DEFAULTS: Readonly<ResolvedLinkCost> = Object.freeze({
  fps: 25,
  minSpeed: 0.1,
  maxSpeed: 1.5,
  motionTolerance: { base: 0.5, perSecond: 0.5 },
  minDirectionCos: 0.5,
  maxHeightRatio: 1.5,
  gapCostPerSecond: 0.1,
  entryCost: { edge: 0.3, interior: 1.5 },
  exitCost: { edge: 0.3, interior: 1.5 },
  edgeMargin: 0.02,
});

/** True when the box touches the picture's border or its foot point stands in an entrance. */
export function atSceneEdge(r: TrackRow, o: ResolvedLinkCost): boolean {
  const fx = (r.x1 + r.x2) / 2, fy = r.y2;
  if (o.entrances?.some((p) => pointInPolygon(fx, fy, p))) return true;
  if (!o.frameSize) return false;
  const [w, h] = o.frameSize;
  const mx = o.edgeMargin * w, my = o.edgeMargin * h;
  return r.x1 < mx || r.x2 > w - mx || r.y1 < my || r.y2 > h - my;
}

/**
 * True when tracklet `a` ended by leaving: its last foot point stands in an entrance, or its last
 * box touches a border it was walking towards. Someone standing at the border (a shelf at the
 * picture's side) and then hidden has not left, and may be continued.
 */
export function leftThePicture(a: Tracklet, o: ResolvedLinkCost): boolean {
  const r = a.tail;
  if (o.entrances?.some((p) => pointInPolygon((r.x1 + r.x2) / 2, r.y2, p))) return true;
  if (!o.frameSize) return false;
  const [w, h] = o.frameSize;
  const mx = o.edgeMargin * w, my = o.edgeMargin * h;
  const vmin = (o.minSpeed * a.end.h) / o.fps;
  return (r.x1 < mx && a.end.vx < -vmin) || (r.x2 > w - mx && a.end.vx > vmin) || (r.y1 < my && a.end.vy < -vmin) || (r.y2 > h - my && a.end.vy > vmin);
}

/** Cost of beginning a visit with `t`; `segmentStart`: the first frame of the footage. */
export function entryCost(t: Tracklet, o: ResolvedLinkCost, segmentStart: number, stride: number): number {
  return t.first - segmentStart <= stride || atSceneEdge(t.head, o) ? o.entryCost.edge : o.entryCost.interior;
}

/** Cost of ending a visit with `t`; `segmentEnd`: the last frame when the footage has ended, else Infinity. */
export function exitCost(t: Tracklet, o: ResolvedLinkCost, segmentEnd: number, stride: number): number {
  return segmentEnd - t.last <= stride || atSceneEdge(t.tail, o) ? o.exitCost.edge : o.exitCost.interior;
}

/**
 * Cost of linking a -> b (b starts `delta` source frames after a ends), or Infinity when the gates
 * say no: a walked out of the picture (leftThePicture), the sizes differ, the two ends do not meet
 * under constant velocity within the tolerance, or both move in clearly different directions.
 */
export function linkCost(a: Tracklet, b: Tracklet, o: ResolvedLinkCost): number {
  const delta = b.first - a.last;
  const dt = delta / o.fps;
  if (leftThePicture(a, o)) return Infinity;
  const ha = a.end.h, hb = b.start.h;
  if (!(ha > 0 && hb > 0) || Math.max(ha, hb) / Math.min(ha, hb) > o.maxHeightRatio) return Infinity;
  const h = (ha + hb) / 2;
  const vmax = (o.maxSpeed * h) / o.fps;
  const clamp = (v: number) => Math.max(-vmax, Math.min(vmax, v));
  // a carried forward and b carried back across the gap: both must land near the other's end
  const forward = Math.hypot(a.end.x + clamp(a.end.vx) * delta - b.start.x, a.end.y + clamp(a.end.vy) * delta - b.start.y);
  const backward = Math.hypot(b.start.x - clamp(b.start.vx) * delta - a.end.x, b.start.y - clamp(b.start.vy) * delta - a.end.y);
  const err = (forward + backward) / 2 / h;
  const tol = o.motionTolerance.base + o.motionTolerance.perSecond * dt;
  if (err > tol) return Infinity;
  const vmin = (o.minSpeed * h) / o.fps;
  const sa = Math.hypot(a.end.vx, a.end.vy), sb = Math.hypot(b.start.vx, b.start.vy);
  if (sa >= vmin && sb >= vmin && (a.end.vx * b.start.vx + a.end.vy * b.start.vy) / (sa * sb) < o.minDirectionCos) return Infinity;
  return (err / tol) ** 2 + o.gapCostPerSecond * dt;
}
