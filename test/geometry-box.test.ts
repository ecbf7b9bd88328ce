import assert from "node:assert/strict";
import { test } from "node:test";
import { boxCenter, boxHeight, boxIou, boxWidth, footOf, footPoint, iou, iouAt, iouMatrix } from "../loaders/geometry/box.ts";

test("iou of identical boxes is 1", () => {
  assert.equal(iou(10, 20, 50, 100, 10, 20, 50, 100), 1);
});

test("iou of half-overlapping unit squares is 1/3", () => {
  // [0,2]x[0,2] vs [1,3]x[0,2]: inter 2, union 4 + 4 - 2 = 6
  assert.equal(iou(0, 0, 2, 2, 1, 0, 3, 2), 2 / 6);
});

test("iou of a box inside another is area ratio", () => {
  // 10x10 inside 20x20 -> 100 / 400
  assert.equal(iou(0, 0, 20, 20, 5, 5, 15, 15), 0.25);
});

test("iou of disjoint, touching and degenerate boxes is 0 (never NaN)", () => {
  assert.equal(iou(0, 0, 1, 1, 2, 2, 3, 3), 0);
  assert.equal(iou(0, 0, 1, 1, 1, 0, 2, 1), 0); // share an edge only
  assert.equal(iou(0, 0, 0, 0, 0, 0, 0, 0), 0);
});

test("iouAt and iouMatrix index packed quadruples", () => {
  const a = new Float32Array([0, 0, 2, 2, 10, 10, 20, 20]);
  const b = new Float32Array([1, 0, 3, 2, 0, 0, 2, 2, 10, 10, 20, 20]);
  assert.equal(iouAt(a, 0, b, 0), 1 / 3);
  const m = iouMatrix(a, 2, b, 3);
  assert.deepEqual([...m], [1 / 3, 1, 0, 0, 0, 1]);
  // reuses a big-enough buffer
  const buf = new Float64Array(16);
  assert.equal(iouMatrix(a, 2, b, 3, buf), buf);
});

test("centre, foot point, width and height", () => {
  const b = [0, 0, 0, 0, 10, 20, 30, 100];
  assert.deepEqual(boxCenter(b, 1), [20, 60]);
  assert.deepEqual(footPoint(b, 1), [20, 100]);
  assert.equal(boxWidth(b, 1), 20);
  assert.equal(boxHeight(b, 1), 80);
});

test("box objects (rows read back from a run) give the same IoU and foot point as packed boxes", () => {
  const packed = [0, 0, 2, 2, 1, 0, 3, 2];
  const [a, b] = [{ x1: 0, y1: 0, x2: 2, y2: 2 }, { x1: 1, y1: 0, x2: 3, y2: 2 }];
  assert.equal(boxIou(a, b), iouAt(packed, 0, packed, 1));
  assert.equal(boxIou(a, { x1: 5, y1: 5, x2: 5, y2: 5 }), 0);
  assert.deepEqual(footOf(b), footPoint(packed, 1));
});
