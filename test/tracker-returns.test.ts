// Tracklet ids: the online tracker's returns after a long miss are cut, and offline association
// decides them again, with motion from both sides of the gap.
import assert from "node:assert/strict";
import { test } from "node:test";
import { TrackStage } from "../loaders/pipeline/track-stage.ts";
import { createTracker } from "../loaders/track/index.ts";
import { TrackRepairer } from "../loaders/track/repair.ts";
import { TrackletIds } from "../loaders/track/tracklets.ts";
import type { Detections, TrackRow } from "../loaders/types.ts";

test("TrackletIds keeps an id across short misses and starts a new one after minMissed analysed frames", () => {
  const ids = new TrackletIds(3, 2);
  const cuts: [number, number][] = [];
  const cut = (from: number, to: number) => cuts.push([from, to]);
  assert.equal(ids.id(7, 0, cut), 1);
  assert.equal(ids.id(9, 0, cut), 2);
  assert.equal(ids.id(7, 6, cut), 1); // one analysed frame (3) missed
  assert.equal(ids.id(7, 15, cut), 3); // frames 9 and 12 missed: cut
  assert.equal(ids.id(7, 18, cut), 3);
  assert.equal(ids.id(9, 18, cut), 4);
  assert.deepEqual(cuts, [[1, 3], [2, 4]]);
  ids.forget(18); // both last seen at 18: kept
  assert.equal(ids.id(7, 21), 3);
  ids.forget(19); // 9 is forgotten, so it begins a new tracklet even after a short miss
  assert.equal(ids.id(9, 21), 5);
  const never = new TrackletIds(1, Infinity);
  assert.equal(never.id(4, 0), 1);
  assert.equal(never.id(4, 500), 1);
});

/** One frame's boxes ([x1, y1, x2, y2, score]) as detections. */
function frame(boxes: number[][]): Detections {
  return {
    count: boxes.length,
    boxes: Float32Array.from(boxes.flatMap((b) => b.slice(0, 4))),
    scores: Float32Array.from(boxes.map((b) => b[4])),
    classes: new Int32Array(boxes.length),
  };
}

// TUD-Campus, frames 22-56, in miniature: A steps in at the left border (the box is clipped, so it
// barely moves) and is hidden behind others for 15 frames while walking right; when A shows again
// 120 px in, the border box is someone else's last step out of the picture.
const borderBox = [0, 150, 40, 350, 0.8];
const walkerBox = (k: number) => [120 + 8 * k, 150, 200 + 8 * k, 350, 0.8];
const scene = Array.from({ length: 41 }, (_, f) => (f < 10 ? [borderBox] : f < 25 ? [] : f <= 32 ? [borderBox, walkerBox(f - 25)] : [walkerBox(f - 25)]));

test("a person the tracker takes back at the wrong place after a long miss is joined to where they really went", async () => {
  // the online tracker alone gives A's id to the border box
  const tracker = createTracker("bytetrack", { fps: 25, highThresh: 0.4, newTrackThresh: 0.5, lowThresh: 0.2, trackBufferSeconds: 3, bufferPerSecond: 0.5, emitTentative: true });
  const online = scene.map((boxes, f) => tracker.update(frame(boxes), { frame: f, t: f / 25 }));
  const idOf = (f: number, x1: number) => {
    const o = online[f];
    for (let i = 0; i < o.count; i++) if (Math.abs(o.boxes[4 * i] - x1) < 10) return o.trackIds[i];
    return undefined;
  };
  assert.equal(idOf(25, 0), idOf(0, 0));
  assert.notEqual(idOf(30, 160), idOf(0, 0));

  const rows: TrackRow[] = [];
  const stage = new TrackStage(
    { tracker: "bytetrack", thresholds: { detect: 0.4, decodeFloor: 0.2, count: 0.45 } as never, fps: 25, stride: 1, frameSize: [640, 480], repair: true, repairGapSeconds: 3 },
    async (r) => { rows.push(...r); },
    () => {},
  );
  scene.forEach((boxes, f) => stage.update(frame(boxes), f, f / 25));
  await stage.finish();
  const at = (f: number, x1: number) => rows.find((r) => r.frame === f && Math.abs(r.x1 - x1) < 10);
  const a = at(0, 0)!.trackId;
  assert.equal(at(30, 160)?.trackId, a, "A walks on to the right");
  assert.notEqual(at(25, 0)?.trackId, a, "the border box is someone else");
  // A's hidden stretch is filled along the way A walked
  const hidden = at(17, 60);
  assert.equal(hidden?.trackId, a);
  assert.equal(hidden?.interpolated, true);
});

/** A 40x100 box centred on (cx, 300) in tracklet `id`. */
const row = (frame: number, trackId: number, cx: number): TrackRow => ({ frame, t: frame / 25, trackId, x1: cx - 20, y1: 250, x2: cx + 20, y2: 350, score: 0.9, interpolated: false });

test("a return the tracker made that the link gates refuse stands when nothing else continues the person", () => {
  // mid-picture, walking right, then hidden for 15 frames, and seen again walking back left:
  // constant velocity cannot join the two; the tracker did, and nothing else claims either piece
  const before = Array.from({ length: 10 }, (_, f) => row(f, 1, 200 + 5 * f));
  const after = Array.from({ length: 16 }, (_, k) => row(25 + k, 2, 260 - 5 * k));
  const run = (tookBack: boolean) => {
    const r = new TrackRepairer({ fps: 25, frameSize: [640, 480], maxGapFrames: 75 });
    if (tookBack) r.tookBack(1, 2);
    for (const x of [...before, ...after]) r.add(x);
    return r.finish();
  };
  assert.deepEqual([...new Set(run(false).map((x) => x.trackId))], [1, 2], "the gates alone keep them apart");
  const joined = run(true);
  assert.deepEqual([...new Set(joined.map((x) => x.trackId))], [1]);
  assert.equal(joined.filter((x) => x.interpolated).length, 15);
});
