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

test("TrackRepairer fed frame by frame gives exactly what repairTracks gives the whole video, while holding only recent tracks", async () => {
  const { TrackRepairer } = await import("../loaders/track/repair.ts");
  let seed = 11;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const stride of [1, 3]) {
    // 60 people over 3000 frames; each one's track breaks into fragments with fresh ids after
    // gaps of 1-40 frames (some stitchable, some not), some people stand still, boxes jitter
    const rows: TrackRow[] = [];
    let nextId = 1;
    for (let p = 0; p < 60; p++) {
      const start = Math.floor(rand() * 2800 / stride) * stride;
      const length = 20 + Math.floor(rand() * 400);
      const vx = rand() < 0.2 ? 0 : 2 * rand() - 1, vy = rand() - 0.5;
      let id = nextId++;
      for (let f = start; f < start + length; f += stride) {
        if (rand() < 0.01) {
          f += stride * Math.floor(rand() * 14); // a gap
          if (rand() < 0.6) id = nextId++; // the tracker gave up and starts a new id
        }
        rows.push(row(f, id, 50 + 3 * p + vx * (f - start) + rand(), 300 + vy * (f - start) + rand(), 0.5 + rand() / 2));
      }
    }
    // scores are 0.5-1: with fitMinScore 0.7 about 40% of rows are left out of the end fits
    for (const fitMinScore of [0, 0.7]) {
      const options = { stride, maxGapFrames: 30, fitMinScore };
      const batch = repairTracks(rows, options);
      const settleFrames = 30 + stride * 8 + 50;
      const streaming = new TrackRepairer({ ...options, settleFrames });
      const out: TrackRow[] = [];
      const byFrame = new Map<number, TrackRow[]>();
      for (const r of rows) byFrame.set(r.frame, [...(byFrame.get(r.frame) ?? []), r]);
      let maxHeld = 0, drained = 0;
      for (let f = 0; f < 3500; f++) {
        for (const r of byFrame.get(f) ?? []) streaming.add(r);
        if (f % 37 === 0) {
          const d = streaming.drain(f);
          drained += d.length;
          out.push(...d);
          // nothing handed back is still held, and only fragments near the present are
          maxHeld = Math.max(maxHeld, f - streaming.oldestFrame);
        }
      }
      out.push(...streaming.finish());
      const key = (r: TrackRow) => `${r.frame}/${r.trackId}/${r.x1.toFixed(6)}/${r.y2.toFixed(6)}/${r.interpolated}`;
      const sort = (a: TrackRow[]) => a.map(key).sort();
      assert.deepEqual(sort(out), sort(batch), `stride ${stride}: streaming and batch repair differ`);
      assert.ok(drained > 0.8 * batch.length, `stride ${stride}: only ${drained} of ${batch.length} rows came back before the end`);
      // a person is handed back once their whole visit is decided: nothing older than the longest
      // visit plus the settling time is ever held
      const spans = new Map<number, [number, number]>();
      for (const r of batch) {
        const s = spans.get(r.trackId) ?? [r.frame, r.frame];
        spans.set(r.trackId, [Math.min(s[0], r.frame), Math.max(s[1], r.frame)]);
      }
      const longest = Math.max(...[...spans.values()].map(([a, b]) => b - a));
      assert.ok(longest < 1500, `stride ${stride}: the scenario's people are linked into visits of ${longest} frames`);
      assert.ok(maxHeld < longest + settleFrames + 40, `stride ${stride}: held a fragment from ${maxHeld} frames back`);
      assert.ok(new Set(batch.map((r) => r.trackId)).size < nextId - 1, "the scenario has stitches");
    }
  }
});

test("TrackRepairer waits for a young fragment's start motion before deciding that nothing continues a settled one", async () => {
  const { TrackRepairer } = await import("../loaders/track/repair.ts");
  // A walks right and ends at frame 20; B starts where A was heading at frame 26, but its first
  // three boxes step back (three rows alone point the other way), then it is lost until frame 64.
  const a = walk(1, range(0, 20));
  const b = [26, 27, 28].map((f) => row(f, 2, 230 - 5 * (f - 26), 300)).concat(walk(2, range(64, 75)));
  const all = [...a, ...b];
  const batch = repairTracks(all);
  assert.deepEqual([...new Set(batch.map((r) => r.trackId))], [1], "the whole video stitches B onto A");
  assert.deepEqual(findStitches([...a, ...b.slice(0, 3)]), [], "B's first rows alone do not continue A");
  // the tracker keeps a lost track 40 frames (B comes back after 36), so fragments settle after
  // 40: A settles at frame 61, when B still has three rows
  const streaming = new TrackRepairer({ settleFrames: 40 });
  const out: TrackRow[] = [];
  for (let f = 0; f <= 75; f++) {
    for (const r of all.filter((x) => x.frame === f)) streaming.add(r);
    out.push(...streaming.drain(f));
  }
  out.push(...streaming.finish());
  assert.deepEqual([...new Set(out.map((r) => r.trackId))], [1]);
  assert.equal(out.length, batch.length);
});

test("scene edges: a person who walked out of the picture is never continued; one lost mid-picture is, across a longer gap", () => {
  const frameSize = [640, 480] as const;
  // A walks right and leaves at the right edge (box reaches x = 640) at frame 20
  const out = range(0, 20).map((f) => row(f, 1, 420 + 10 * f, 300));
  const back = range(45, 60).map((f) => row(f, 2, 420 + 10 * f, 300)); // where A would be, a second later
  assert.deepEqual(findStitches([...out, ...back], { frameSize }), [], "the picture's edge ends a visit");
  assert.equal(findStitches([...out, ...back]).length, 1, "without a known frame size the same pair links");
  // B is lost in the middle of the picture for 1.2 s (30 frames) and found again on its path
  const b1 = walk(3, range(0, 20), 100, 300, 2);
  const b2 = walk(4, range(51, 70), 100, 300, 2);
  assert.deepEqual(findStitches([...b1, ...b2], { frameSize, maxGapFrames: 50 }).map(({ from, to }) => [from, to]), [[3, 4]]);
});

test("scene edges: a person standing at the picture's edge is not leaving; lost and found again on the spot, they are continued", () => {
  const frameSize = [640, 480] as const;
  // C stands with their box 4 px from the right border (inside the 2% edge zone), hidden for 1.2 s
  const before = range(0, 20).map((f) => row(f, 1, 616, 300));
  const after = range(51, 70).map((f) => row(f, 2, 614, 300));
  assert.deepEqual(findStitches([...before, ...after], { frameSize, maxGapFrames: 50 }).map(({ from, to }) => [from, to]), [[1, 2]]);
  // D walks into the same edge zone towards the border and is gone: a box on that spot later is someone new
  const leaving = range(0, 20).map((f) => row(f, 3, 516 + 5 * f, 300));
  const later = range(51, 70).map((f) => row(f, 4, 614, 300));
  assert.deepEqual(findStitches([...leaving, ...later], { frameSize, maxGapFrames: 50 }), []);
});

test("end fits on sure rows: a person standing at the edge, tracked on through weak partial boxes as they are hidden, is continued", () => {
  const frameSize = [640, 480] as const;
  // E stands with their box at the right border (x2 = 636) for 20 frames; as someone passes in
  // front, the tracker follows them 6 more frames on weak boxes of what still shows: each shorter
  // and further right. After 1.2 s E is found again, whole, on the same spot.
  const standing = range(0, 20).map((f) => row(f, 1, 616, 300, 0.8));
  const hiding = range(21, 26).map((f, i) => ({ ...row(f, 1, 618 + 2 * i, 300, 0.3), y1: 250 + 12 * (i + 1) }));
  const found = range(57, 75).map((f) => row(f, 2, 616, 300, 0.8));
  const rows = [...standing, ...hiding, ...found];
  const pairs = (o: object) => findStitches(rows, { frameSize, maxGapFrames: 50, velocityWindow: 8, ...o }).map(({ from, to }) => [from, to]);
  assert.deepEqual(pairs({}), [], "fitted on every row, E shrank to 28 px and walked out of the right edge");
  assert.deepEqual(pairs({ fitMinScore: 0.5 }), [[1, 2]]);
});

test("entry costs: of two tracklets that could continue a lost person, one entering at the picture's edge is more likely someone new", () => {
  const frameSize = [640, 480] as const;
  // A walks right just below the top edge (box top at y = 10, the edge zone ends at 9.6) and is lost at frame 20
  const a = walk(1, range(0, 20), 100, 60);
  const entering = walk(2, range(25, 40), 100, 58); // on A's path, box top at y = 8: at the edge
  const lower = walk(3, range(25, 40), 100, 90); // 0.3 box heights off A's path, inside the picture
  const pairs = (o: object) => findStitches([...a, ...entering, ...lower], o).map(({ from, to }) => [from, to]);
  assert.deepEqual(pairs({}), [[1, 2]], "without edges the better fit wins");
  assert.deepEqual(pairs({ frameSize }), [[1, 3]], "with edges the one already inside the picture continues A");
});

test("confirmation: a person whose detections never reached minPeakScore is dropped", () => {
  const sure = walk(1, range(0, 10));
  const weak = walk(2, range(0, 10), 400).map((r) => ({ ...r, score: 0.35 }));
  const once = walk(3, [5], 600);
  const ids = (rows: TrackRow[]) => [...new Set(rows.map((r) => r.trackId))].sort();
  assert.deepEqual(ids(repairTracks([...sure, ...weak, ...once])), [1, 2, 3]);
  assert.deepEqual(ids(repairTracks([...sure, ...weak, ...once], { minPeakScore: 0.5 })), [1, 3]);
  // a weak fragment linked to a confident one belongs to a confirmed person
  const tail = walk(4, range(14, 30)).map((r) => ({ ...r, score: 0.35 }));
  assert.deepEqual(ids(repairTracks([...sure, ...tail], { minPeakScore: 0.5 })), [1]);
});
