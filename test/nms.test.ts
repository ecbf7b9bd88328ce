import { test } from "node:test";
import assert from "node:assert/strict";
import { nms } from "../loaders/detect/nms.ts";

test("nms keeps the best of overlapping boxes and all disjoint ones", () => {
  const boxes = Float32Array.from([0, 0, 10, 10, 1, 1, 11, 11, 20, 20, 30, 30, 0, 0, 10, 10]);
  const scores = Float32Array.from([0.8, 0.9, 0.7, 0.6]);
  const classes = Int32Array.from([0, 0, 0, 1]);
  // box 1 (0.9) suppresses box 0 (IoU 81/119 = 0.68); box 3 is another class, so it stays
  assert.deepEqual(nms(boxes, scores, classes, 4, 0.5), [1, 2, 3]);
});

test("nms keeps boxes whose overlap is below the threshold", () => {
  const boxes = Float32Array.from([0, 0, 10, 10, 5, 0, 15, 10]); // IoU 50/150 = 0.33
  const scores = Float32Array.from([0.9, 0.8]);
  assert.deepEqual(nms(boxes, scores, Int32Array.from([0, 0]), 2, 0.5), [0, 1]);
  assert.deepEqual(nms(boxes, scores, Int32Array.from([0, 0]), 2, 0.3), [0]);
});
