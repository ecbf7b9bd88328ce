// Plane geometry for lines and zones in picture coordinates (source pixels, y down): the one
// home of point-in-polygon and of which side of a line a point is on.
import { polygonContains } from "d3";

export type Point = readonly [number, number];

/**
 * Which side of the directed line a->b the point (x, y) is on, as seen in the picture when walking
 * from a to b: > 0 right, < 0 left, 0 on the line. (Twice the signed triangle area; with y down,
 * "right" is clockwise of a->b on screen.)
 */
export function sideOf(a: Point, b: Point, x: number, y: number): number {
  return (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
}

/** Even-odd rule (d3's polygonContains); points exactly on an edge may fall either way. */
export function pointInPolygon(x: number, y: number, polygon: readonly Point[]): boolean {
  return polygonContains(polygon as [number, number][], [x, y]);
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
