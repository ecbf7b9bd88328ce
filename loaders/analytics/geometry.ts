// Plane geometry for lines and zones in picture coordinates (source pixels, y down).

export type Point = readonly [number, number];

/**
 * Which side of the directed line a->b the point (x, y) is on, as seen in the picture when walking
 * from a to b: > 0 right, < 0 left, 0 on the line. (Twice the signed triangle area; with y down,
 * "right" is clockwise of a->b on screen.)
 */
export function sideOf(a: Point, b: Point, x: number, y: number): number {
  return (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
}

/** Even-odd rule; points exactly on an edge may fall either way. */
export function pointInPolygon(x: number, y: number, polygon: readonly Point[]): boolean {
  let inside = false;
  for (let i = 0, j = polygon.length - 1; i < polygon.length; j = i++) {
    const [xi, yi] = polygon[i];
    const [xj, yj] = polygon[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** True when segments p1-p2 and q1-q2 share a point (touching counts). */
export function segmentsIntersect(p1: Point, p2: Point, q1: Point, q2: Point): boolean {
  const d1 = Math.sign(sideOf(q1, q2, p1[0], p1[1]));
  const d2 = Math.sign(sideOf(q1, q2, p2[0], p2[1]));
  const d3 = Math.sign(sideOf(p1, p2, q1[0], q1[1]));
  const d4 = Math.sign(sideOf(p1, p2, q2[0], q2[1]));
  if (d1 * d2 < 0 && d3 * d4 < 0) return true;
  // Collinear or touching cases: an end point lying on the other segment.
  const onSegment = (a: Point, b: Point, p: Point) =>
    Math.min(a[0], b[0]) <= p[0] && p[0] <= Math.max(a[0], b[0]) && Math.min(a[1], b[1]) <= p[1] && p[1] <= Math.max(a[1], b[1]);
  return (
    (d1 === 0 && onSegment(q1, q2, p1)) ||
    (d2 === 0 && onSegment(q1, q2, p2)) ||
    (d3 === 0 && onSegment(p1, p2, q1)) ||
    (d4 === 0 && onSegment(p1, p2, q2))
  );
}

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
    p.x[i] = (r.x1 + r.x2) / 2;
    p.y[i] = r.y2;
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
