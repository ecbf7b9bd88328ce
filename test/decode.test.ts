import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeNanodetLevel, decodeYolov8, newCandidates, softmaxExpectation } from "../loaders/detect/decode.ts";
import { toPlanarNormalised } from "../loaders/detect/preprocess.ts";
import { chooseInputSize, loadManifest } from "../loaders/detect/manifest.ts";

test("softmax expectation of a one-hot distribution is the hot bin", () => {
  const logits = new Float32Array(11).fill(-50);
  logits[3] = 50;
  assert.ok(Math.abs(softmaxExpectation(logits, 0, 11) - 3) < 1e-6);
  assert.ok(Math.abs(softmaxExpectation(new Float32Array(11), 0, 11) - 5) < 1e-6); // uniform -> mean of 0..10
});

test("nanodet decoding puts cell centres at half a stride and scales distances by stride", () => {
  const classes = 2, bins = 11, gridW = 4, stride = 8;
  const cells = 8; // 4 x 2 grid
  const scores = new Float32Array(cells * classes);
  const dist = new Float32Array(cells * 4 * bins).fill(-50);
  const cell = 5; // col 1, row 1 -> centre (12, 12)
  scores[cell * classes + 0] = 0.9;
  scores[2 * classes + 1] = 0.95; // another class, filtered out
  const sides = [1, 2, 3, 4]; // left, top, right, bottom in stride units
  sides.forEach((d, k) => (dist[cell * 4 * bins + k * bins + d] = 50));
  const out = newCandidates(1);
  decodeNanodetLevel(scores, dist, classes, bins, stride, gridW, Int32Array.from([0]), 0.5, out);
  assert.equal(out.count, 1);
  assert.deepEqual(Array.from(out.boxes.subarray(0, 4)), [12 - 8, 12 - 16, 12 + 24, 12 + 32]);
  assert.ok(Math.abs(out.scores[0] - 0.9) < 1e-6);
});

test("yolov8 decoding reads channel-major centre/size boxes", () => {
  const classes = 2, anchors = 3;
  const data = new Float32Array((4 + classes) * anchors);
  const a = 1;
  data[a] = 50; data[anchors + a] = 40; data[2 * anchors + a] = 20; data[3 * anchors + a] = 10;
  data[4 * anchors + a] = 0.8;
  const out = newCandidates(2);
  decodeYolov8(data, classes, Int32Array.from([0]), 0.5, out);
  assert.equal(out.count, 1);
  assert.deepEqual(Array.from(out.boxes.subarray(0, 4)), [40, 35, 60, 45]);
});

test("preprocessing writes planar channels in the model's order, normalised", () => {
  const px = Uint8Array.from([10, 20, 30, 40, 50, 60]); // two BGR pixels
  const out = new Float32Array(6);
  toPlanarNormalised(px, 2, 1, "BGR", { channels: "RGB", mean: [0, 0, 0], std: [1, 1, 1] }, out);
  assert.deepEqual(Array.from(out), [30, 60, 20, 50, 10, 40]);
  toPlanarNormalised(px, 2, 1, "BGR", { channels: "BGR", mean: [10, 20, 30], std: [2, 2, 2] }, out);
  assert.deepEqual(Array.from(out), [0, 15, 0, 15, 0, 15]);
});

test("input size keeps the long side and the aspect ratio, in multiples of 32", () => {
  const m = loadManifest();
  assert.deepEqual(chooseInputSize(m, 640, 480), [384, 288]);
  assert.deepEqual(chooseInputSize(m, 768, 576), [384, 288]);
  assert.deepEqual(chooseInputSize(m, 1920, 1080), [384, 224]);
  assert.deepEqual(chooseInputSize(m, 480, 640), [288, 384]);
});
