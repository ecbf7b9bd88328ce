import { test } from "node:test";
import assert from "node:assert/strict";
import { pointInPolygon, segmentsIntersect, sideOf } from "../loaders/geometry/plane.ts";

test("sideOf: right of a->b as seen in the picture (y down)", () => {
  // a->b points right on screen: below it is its right-hand side.
  assert.ok(sideOf([0, 0], [10, 0], 5, 5) > 0);
  assert.ok(sideOf([0, 0], [10, 0], 5, -5) < 0);
  assert.equal(sideOf([0, 0], [10, 0], 20, 0), 0);
  // a->b points up on screen: right of it is screen-right.
  assert.ok(sideOf([420, 400], [420, 200], 500, 300) > 0);
});

test("pointInPolygon: convex, concave, outside", () => {
  const square: [number, number][] = [[0, 0], [10, 0], [10, 10], [0, 10]];
  assert.ok(pointInPolygon(5, 5, square));
  assert.ok(!pointInPolygon(15, 5, square));
  assert.ok(!pointInPolygon(-1, -1, square));
  const u: [number, number][] = [[0, 0], [9, 0], [9, 9], [6, 9], [6, 3], [3, 3], [3, 9], [0, 9]];
  assert.ok(pointInPolygon(1, 5, u));
  assert.ok(!pointInPolygon(4.5, 6, u), "inside the notch is outside");
  assert.ok(pointInPolygon(4.5, 1, u));
});

test("segmentsIntersect: crossing, apart, beyond the end, touching, collinear", () => {
  assert.ok(segmentsIntersect([0, 0], [10, 10], [0, 10], [10, 0]));
  assert.ok(!segmentsIntersect([0, 0], [1, 1], [5, 0], [5, 10]));
  assert.ok(!segmentsIntersect([4, 20], [6, 20], [5, 0], [5, 10]), "crosses the infinite line beyond the segment");
  assert.ok(segmentsIntersect([4, 10], [6, 10], [5, 0], [5, 10]), "touching the end point");
  assert.ok(segmentsIntersect([0, 0], [5, 0], [3, 0], [8, 0]), "collinear overlap");
  assert.ok(!segmentsIntersect([0, 0], [2, 0], [3, 0], [8, 0]), "collinear apart");
});
