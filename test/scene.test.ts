import { test } from "node:test";
import assert from "node:assert/strict";
import { plateSize, temporalMedian } from "../loaders/scene/background.ts";
import { boxBlur, MotionAccumulator, resampleGray, toGrayBlocks } from "../loaders/scene/motion.ts";
import { nonZeroQuantile } from "../loaders/scene/heatmap-image.ts";

test("temporal median sees through a person who covers a pixel in a minority of frames", () => {
  const bg = 100;
  const frames = Array.from({ length: 7 }, (_, i) => {
    const f = new Uint8Array(12).fill(bg);
    f[i] = 250; // the "person" walks across, one pixel per frame
    if (i < 3) f[11] = 0; // a minority of dark frames at pixel 11
    return f;
  });
  assert.deepEqual(Array.from(temporalMedian(frames)), new Array(12).fill(bg));
});

test("plate size caps 4K but keeps small videos as they are", () => {
  assert.deepEqual(plateSize(640, 480), [640, 480]);
  assert.deepEqual(plateSize(3840, 2160), [1280, 720]);
});

test("box blur preserves a constant image and spreads a point evenly", () => {
  const w = 25, h = 25;
  const flat = new Float32Array(w * h).fill(7);
  const out = boxBlur(flat, w, h, 5, new Float32Array(w * h), new Float32Array(w * h));
  assert.ok(out.every((v) => Math.abs(v - 7) < 1e-4));
  const point = new Float32Array(w * h);
  point[12 * w + 12] = 121;
  boxBlur(point, w, h, 5, new Float32Array(w * h), out);
  assert.ok(Math.abs(out[12 * w + 12] - 1) < 1e-5); // 121 / (11 * 11)
  assert.ok(Math.abs(out[7 * w + 7] - 1) < 1e-5); // corner of the 11x11 window
  assert.ok(Math.abs(out[6 * w + 12]) < 1e-6); // outside it (running sums leave rounding dust)
});

test("resampling by an integer factor averages blocks", () => {
  const src = Float32Array.from([1, 3, 5, 7, 1, 3, 5, 7]); // 4x2
  assert.deepEqual(Array.from(resampleGray(src, 4, 2, 2, 1)), [2, 6]);
});

test("motion accumulates where a bright object moves and stays zero on static background", () => {
  const w = 40, h = 30;
  const plate = new Float32Array(w * h).fill(50);
  const acc = new MotionAccumulator(w, h, plate, { kernel: 3, threshold: 10 });
  for (let step = 0; step < 5; step++) {
    const px = new Uint8Array(w * h * 3).fill(50);
    for (let y = 10; y < 20; y++) for (let x = 5 + step * 4; x < 9 + step * 4; x++) px.fill(250, (y * w + x) * 3, (y * w + x) * 3 + 3);
    acc.add(px, "BGR");
  }
  assert.equal(acc.frames, 5);
  assert.ok(acc.grid[15 * w + 6] > 100, "motion on the object's path");
  assert.equal(acc.grid[2 * w + 35], 0, "no motion far from the path");
  assert.ok(nonZeroQuantile(acc.grid, 0.5) > 0);
});

test("block luma averages factor x factor pixels", () => {
  // 4x2 BGR image, factor 2 -> 2x1: left block all gray 10, right block two 0s and two 200s
  const px = new Uint8Array(4 * 2 * 3);
  const set = (x: number, y: number, v: number) => px.fill(v, (y * 4 + x) * 3, (y * 4 + x) * 3 + 3);
  [[0, 0], [1, 0], [0, 1], [1, 1]].forEach(([x, y]) => set(x, y, 10));
  set(2, 0, 200); set(3, 1, 200);
  const out = toGrayBlocks(px, 4, "BGR", 2, new Float32Array(2), 2);
  assert.ok(Math.abs(out[0] - 10) < 1e-4 && Math.abs(out[1] - 100) < 1e-4, String(Array.from(out)));
});

test("a motion grid at factor 2 covers the frame with half-size cells", () => {
  const acc = new MotionAccumulator(40, 30, new Float32Array(20 * 15).fill(50), { factor: 2, kernel: 3 });
  assert.deepEqual([acc.width, acc.height, acc.grid.length], [20, 15, 300]);
  const px = new Uint8Array(40 * 30 * 3).fill(50);
  for (let y = 10; y < 20; y++) px.fill(250, (y * 40 + 30) * 3, (y * 40 + 36) * 3);
  acc.add(px, "BGR");
  assert.ok(acc.grid[7 * 20 + 16] > 0 && acc.grid[2 * 20 + 2] === 0);
});
