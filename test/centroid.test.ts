import assert from "node:assert/strict";
import { test } from "node:test";
import { CentroidTracker } from "../loaders/track/centroid.ts";
import { createTracker } from "../loaders/track/index.ts";
import type { Detections } from "../loaders/types.ts";

/** Detections from [cx, cy] centres with 40x100 boxes. */
function dets(centres: [number, number][], score = 0.9): Detections {
  const n = centres.length;
  const boxes = new Float32Array(4 * n);
  centres.forEach(([x, y], i) => boxes.set([x - 20, y - 50, x + 20, y + 50], 4 * i));
  return { count: n, boxes, scores: new Float32Array(n).fill(score), classes: new Int32Array(n) };
}

/** trackId of the output box whose centre is nearest (x, y). */
function idAt(out: { count: number; boxes: Float32Array; trackIds: Int32Array }, x: number, y: number): number {
  let best = -1, bd = Infinity;
  for (let i = 0; i < out.count; i++) {
    const d = Math.hypot((out.boxes[4 * i] + out.boxes[4 * i + 2]) / 2 - x, (out.boxes[4 * i + 1] + out.boxes[4 * i + 3]) / 2 - y);
    if (d < bd) { bd = d; best = out.trackIds[i]; }
  }
  return best;
}

test("two walkers crossing far apart keep their ids", () => {
  // Detection order alternates every frame so ids cannot ride on input order.
  const tr = new CentroidTracker({ maxDistance: 50 });
  // A walks right along y=100, B walks left along y=400: their x paths cross at frame 50.
  const seen = { a: new Set<number>(), b: new Set<number>() };
  for (let f = 0; f <= 100; f++) {
    const a: [number, number] = [100 + 8 * f, 100];
    const b: [number, number] = [900 - 8 * f, 400];
    const out = tr.update(dets(f % 2 ? [b, a] : [a, b]), { frame: f, t: f / 25 });
    assert.equal(out.count, 2);
    seen.a.add(idAt(out, ...a));
    seen.b.add(idAt(out, ...b));
  }
  assert.deepEqual([...seen.a], [1]);
  assert.deepEqual([...seen.b], [2]);
});

test("a track survives maxDisappeared missing frames and is dropped after", () => {
  const tr = new CentroidTracker({ maxDisappeared: 3 });
  assert.deepEqual([...tr.update(dets([[100, 100]]), { frame: 0, t: 0 }).trackIds], [1]);
  for (let f = 1; f <= 3; f++) assert.equal(tr.update(dets([]), { frame: f, t: 0 }).count, 0);
  // Missing for frames 1..3 (= maxDisappeared): still known.
  assert.deepEqual([...tr.update(dets([[105, 100]]), { frame: 4, t: 0 }).trackIds], [1]);
  // Now missing for 4 frames (5..8): dropped, so the same spot gets a new id.
  for (let f = 5; f <= 8; f++) tr.update(dets([]), { frame: f, t: 0 });
  assert.deepEqual([...tr.update(dets([[105, 100]]), { frame: 9, t: 0 }).trackIds], [2]);
});

test("disappearance is measured in source frames, so a stride does not stretch it", () => {
  const tr = new CentroidTracker({ maxDisappeared: 10 });
  tr.update(dets([[100, 100]]), { frame: 0, t: 0 });
  tr.update(dets([]), { frame: 5, t: 0 });
  tr.update(dets([]), { frame: 10, t: 0 });
  // 15 frames since last seen > 10: gone after three updates at stride 5.
  tr.update(dets([]), { frame: 15, t: 0 });
  assert.deepEqual([...tr.update(dets([[100, 100]]), { frame: 20, t: 0 }).trackIds], [2]);
});

test("refuses to match beyond maxDistance", () => {
  const tr = new CentroidTracker({ maxDistance: 50 });
  tr.update(dets([[100, 100]]), { frame: 0, t: 0 });
  const near = tr.update(dets([[149, 100]]), { frame: 1, t: 0 });
  assert.deepEqual([...near.trackIds], [1]);
  const far = tr.update(dets([[200, 100]]), { frame: 2, t: 0 }); // jumped 51 px
  assert.deepEqual([...far.trackIds], [2]);
});

test("greedy matching lets a track take its second-nearest detection", () => {
  // Tracks A (x=100, id 1) and B (x=112, id 2); detections at x=110 and x=140.
  // Both tracks' nearest detection is 110. B is closer (2 px) and takes it. The original
  // pyimagesearch loop would then leave A unmatched and start a new id at 140; greedy over all
  // pairs gives A its second choice (40 px <= maxDistance).
  const tr = new CentroidTracker({ maxDistance: 50 });
  tr.update(dets([[100, 100], [112, 100]]), { frame: 0, t: 0 });
  const out = tr.update(dets([[110, 100], [140, 100]]), { frame: 1, t: 0 });
  assert.equal(idAt(out, 110, 100), 2);
  assert.equal(idAt(out, 140, 100), 1);
});

test("low-score and other-class detections are ignored; output carries boxes and scores", () => {
  const tr = createTracker("centroid", { minScore: 0.5, classes: [0] });
  const d = dets([[100, 100], [300, 100], [500, 100]], 0.9);
  d.scores[1] = 0.3;
  d.classes[2] = 2;
  const out = tr.update(d, { frame: 0, t: 0 });
  assert.equal(tr.name, "centroid");
  assert.equal(out.count, 1);
  assert.deepEqual([...out.boxes], [80, 50, 120, 150]);
  assert.ok(Math.abs(out.scores[0] - 0.9) < 1e-6);
});
