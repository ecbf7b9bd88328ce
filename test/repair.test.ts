import assert from "node:assert/strict";
import { test } from "node:test";
import { findStitches, interpolateGaps, repairTracks } from "../loaders/track/repair.ts";
import type { TrackRow } from "../loaders/types.ts";

/** A 40x100 box centred on (cx, cy). */
function row(frame: number, trackId: number, cx: number, cy: number, score = 0.9): TrackRow {
  return { frame, t: frame / 25, trackId, x1: cx - 20, y1: cy - 50, x2: cx + 20, y2: cy + 50, score, interpolated: false };
}

/** Walker at 5 px/frame to the right (or `vx`), present on the given frames. */
function walk(id: number, frames: number[], x0 = 100, y = 300, vx = 5, vy = 0): TrackRow[] {
  return frames.map((f) => row(f, id, x0 + vx * f, y + vy * f));
}

const range = (a: number, b: number, step = 1) => Array.from({ length: Math.floor((b - a) / step) + 1 }, (_, i) => a + i * step);

test("fills a 3-frame gap linearly", () => {
  const rows = walk(1, [...range(0, 5), ...range(9, 12)]);
  rows[5].score = 0.8; // frame 5 anchors the gap with the lower score
  const out = interpolateGaps(rows.reverse()); // input order must not matter
  assert.deepEqual(out.map((r) => r.frame), range(0, 12));
  const fill = out.filter((r) => r.interpolated);
  assert.deepEqual(fill.map((r) => r.frame), [6, 7, 8]);
  for (const r of fill) {
    assert.equal(r.trackId, 1);
    assert.ok(Math.abs(r.x1 - (80 + 5 * r.frame)) < 1e-9, `x1 at ${r.frame}: ${r.x1}`);
    assert.ok(Math.abs(r.y2 - 350) < 1e-9);
    assert.ok(Math.abs(r.t - r.frame / 25) < 1e-12);
    assert.equal(r.score, 0.8);
  }
  assert.equal(out.filter((r) => !r.interpolated).length, 10);
});

test("leaves gaps longer than maxGapFrames alone", () => {
  const rows = walk(1, [0, 1, 5, 6]); // 3 missing frames
  assert.equal(interpolateGaps(rows, { maxGapFrames: 2 }).length, 4);
  assert.equal(interpolateGaps(rows, { maxGapFrames: 3 }).length, 7);
});

test("with a stride, fills only the analysed frames", () => {
  const rows = walk(1, [0, 5, 10, 30, 35]);
  const out = interpolateGaps(rows, { stride: 5, maxGapFrames: 15 });
  assert.deepEqual(out.map((r) => r.frame), [0, 5, 10, 15, 20, 25, 30, 35]);
  assert.deepEqual(out.filter((r) => r.interpolated).map((r) => r.frame), [15, 20, 25]);
  // 15 missing source frames > 14: not filled
  assert.equal(interpolateGaps(rows, { stride: 5, maxGapFrames: 14 }).length, 5);
});

test("stitches two fragments of a straight walk into the earlier id", () => {
  // Earlier fragment has the larger id on purpose: the merge follows time, not id order.
  const rows = [...walk(7, range(0, 20)), ...walk(3, range(26, 40))];
  assert.deepEqual(findStitches(rows).map(({ from, to }) => [from, to]), [[7, 3]]);
  const out = repairTracks(rows);
  assert.deepEqual([...new Set(out.map((r) => r.trackId))], [7]);
  assert.deepEqual(out.map((r) => r.frame), range(0, 40));
  assert.deepEqual(out.filter((r) => r.interpolated).map((r) => r.frame), range(21, 25));
  const f23 = out.find((r) => r.frame === 23)!;
  assert.ok(Math.abs((f23.x1 + f23.x2) / 2 - (100 + 5 * 23)) < 1e-9);
});

test("does not stitch unrelated tracks: far away, or in the right place but walking the other way", () => {
  const a = walk(1, range(0, 20)); // ends at x=200 at frame 20 heading right
  const far = walk(2, range(25, 40), 700, 600); // starts far from where A would be
  // Starts exactly where A would be at frame 25 (x = 225) but walks left.
  const back = range(25, 40).map((f) => row(f, 3, 225 - 5 * (f - 25), 300));
  const rows = [...a, ...far, ...back];
  assert.deepEqual(findStitches(rows), []);
  const out = repairTracks(rows);
  assert.deepEqual([...new Set(out.map((r) => r.trackId))].sort(), [1, 2, 3]);
  assert.equal(out.length, rows.length);
  // Without the direction test the backwards track would have been taken.
  assert.deepEqual(findStitches(rows, { minDirectionCos: -1 }).map(({ from, to }) => [from, to]), [[1, 3]]);
});

test("does not stitch across more than maxGapFrames, nor fragments of very different size", () => {
  const rows = [...walk(1, range(0, 20)), ...walk(2, range(40, 60))]; // 19 missing frames
  assert.equal(findStitches(rows, { maxGapFrames: 18 }).length, 0);
  assert.equal(findStitches(rows, { maxGapFrames: 19 }).length, 1);
  const big = walk(2, range(25, 40)).map((r) => ({ ...r, y1: r.y1 - 100 })); // twice as tall
  assert.equal(findStitches([...walk(1, range(0, 20)), ...big]).length, 0);
});

test("one fragment continues only one other: the better-fitting end wins", () => {
  const exact = walk(1, range(0, 20)); // extrapolates to x=225 at frame 25
  const off = walk(2, range(0, 18), 100, 320); // same path, 20 px lower, ends earlier
  const next = walk(3, range(25, 40));
  const s = findStitches([...exact, ...off, ...next]);
  assert.deepEqual(s.map(({ from, to }) => [from, to]), [[1, 3]]);
});

test("chains of fragments all merge into the first id", () => {
  const rows = [...walk(5, range(0, 10)), ...walk(9, range(14, 24)), ...walk(2, range(28, 40))];
  const out = repairTracks(rows);
  assert.deepEqual([...new Set(out.map((r) => r.trackId))], [5]);
  assert.equal(out.length, 41);
});

test("with a stride, stitching and filling use source-frame gaps", () => {
  const rows = [...walk(1, range(0, 50, 5)), ...walk(2, range(70, 120, 5))];
  const out = repairTracks(rows, { stride: 5, maxGapFrames: 15 });
  assert.deepEqual([...new Set(out.map((r) => r.trackId))], [1]);
  assert.deepEqual(out.filter((r) => r.interpolated).map((r) => r.frame), [55, 60, 65]);
});

test("is pure: input rows are not mutated", () => {
  const rows = [...walk(7, range(0, 20)), ...walk(3, range(26, 40))];
  const copy = structuredClone(rows);
  repairTracks(rows);
  assert.deepEqual(rows, copy);
});
