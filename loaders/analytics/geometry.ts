// Foot paths: where each person stood, columnar, the input of line crossings and zone visits.
// The plane geometry they test against lives in loaders/geometry/plane.ts (re-exported here for
// the analytics modules that import it from this folder).
import { footOf } from "../geometry/box.ts";

export { pointInPolygon, segmentsIntersect, sideOf, type Point } from "../geometry/plane.ts";

/**
 * Where each person stood, one observation per row, columnar and sorted by (track, frame): the
 * foot point (bottom centre of the box) is what lines and zones are tested against.
 */
export interface FootPath {
  track: Int32Array;
  frame: Int32Array;
  /** Seconds from the video start. */
  t: Float64Array;
  x: Float64Array;
  y: Float64Array;
}

/** Foot path of tracker rows (any order): x = (x1 + x2) / 2, y = y2. */
export function footPathFromRows(rows: readonly { trackId: number; frame: number; t: number; x1: number; x2: number; y2: number }[]): FootPath {
  const sorted = [...rows].sort((a, b) => a.trackId - b.trackId || a.frame - b.frame);
  const n = sorted.length;
  const p: FootPath = { track: new Int32Array(n), frame: new Int32Array(n), t: new Float64Array(n), x: new Float64Array(n), y: new Float64Array(n) };
  sorted.forEach((r, i) => {
    p.track[i] = r.trackId;
    p.frame[i] = r.frame;
    p.t[i] = r.t;
    [p.x[i], p.y[i]] = footOf(r);
  });
  return p;
}

/** Calls `fn(start, end)` for each track's row range [start, end). */
export function forEachTrack(path: FootPath, fn: (start: number, end: number) => void): void {
  const n = path.track.length;
  for (let start = 0, end = 0; start < n; start = end) {
    while (end < n && path.track[end] === path.track[start]) end++;
    fn(start, end);
  }
}
