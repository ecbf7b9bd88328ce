import assert from "node:assert/strict";
import { test } from "node:test";
import { ByteTracker } from "../loaders/track/bytetrack.ts";
import { createTracker } from "../loaders/track/index.ts";
import type { Detections, TrackedBoxes } from "../loaders/types.ts";

interface Person { x: number; y: number; score: number }

/** 50x150 boxes with top-left (x, y). */
function dets(people: Person[]): Detections {
  const n = people.length;
  const boxes = new Float32Array(4 * n);
  people.forEach((p, i) => boxes.set([p.x, p.y, p.x + 50, p.y + 150], 4 * i));
  return { count: n, boxes, scores: Float32Array.from(people, (p) => p.score), classes: new Int32Array(n) };
}

function idNear(out: TrackedBoxes, x: number): number | undefined {
  for (let i = 0; i < out.count; i++) if (Math.abs(out.boxes[4 * i] - x) < 1) return out.trackIds[i];
  return undefined;
}

test("keeps the id through a 5-frame occlusion with no detections", () => {
  const tr = new ByteTracker({ fps: 25 });
  const ids = new Set<number>();
  for (let f = 0; f < 40; f++) {
    const x = 100 + 5 * f;
    const occluded = f >= 10 && f < 15;
    const out = tr.update(dets(occluded ? [] : [{ x, y: 200, score: 0.9 }]), { frame: f, t: f / 25 });
    if (occluded) {
      assert.equal(out.count, 0, `frame ${f}: lost tracks are not reported`);
    } else {
      assert.equal(out.count, 1, `frame ${f}`);
      assert.deepEqual([...out.boxes], [x, 200, x + 50, 350], "reports the detection box");
      ids.add(out.trackIds[0]);
    }
  }
  assert.deepEqual([...ids], [1]);
});

test("keeps the id through low-score detections (second association)", () => {
  const tr = new ByteTracker({ fps: 25 });
  for (let f = 0; f < 30; f++) {
    const x = 100 + 5 * f;
    const score = f >= 10 && f < 15 ? 0.3 : 0.9;
    const out = tr.update(dets([{ x, y: 200, score }]), { frame: f, t: f / 25 });
    assert.equal(out.count, 1, `frame ${f}`);
    assert.equal(out.trackIds[0], 1, `frame ${f}`);
    assert.ok(Math.abs(out.scores[0] - score) < 1e-6);
  }
});

test("low-score detections never start a track; high ones need minHits", () => {
  const tr = new ByteTracker({ fps: 25, minHits: 3 });
  tr.update(dets([{ x: 0, y: 0, score: 0.9 }]), { frame: 0, t: 0 }); // id 1, confirmed on first frame
  for (let f = 1; f < 10; f++) {
    const out = tr.update(dets([{ x: 0, y: 0, score: 0.9 }, { x: 500, y: 0, score: 0.3 }]), { frame: f, t: 0 });
    assert.equal(idNear(out, 500), undefined);
  }
  const seen: (number | undefined)[] = [];
  for (let f = 10; f < 14; f++) {
    const out = tr.update(dets([{ x: 0, y: 0, score: 0.9 }, { x: 800, y: 0, score: 0.9 }]), { frame: f, t: 0 });
    seen.push(idNear(out, 800));
  }
  assert.deepEqual(seen, [undefined, undefined, 2, 2]);
});

test("a detection between highThresh and newTrackThresh continues tracks but starts none", () => {
  const tr = new ByteTracker({ fps: 25 });
  tr.update(dets([{ x: 0, y: 0, score: 0.9 }]), { frame: 0, t: 0 });
  for (let f = 1; f < 5; f++) {
    const out = tr.update(dets([{ x: 0, y: 0, score: 0.55 }, { x: 500, y: 0, score: 0.55 }]), { frame: f, t: 0 });
    assert.deepEqual([...out.trackIds], [1]);
  }
});

test("a lost track is forgotten after trackBufferSeconds * fps frames", () => {
  const tr = new ByteTracker({ fps: 10, trackBufferSeconds: 1 }); // 10 frames
  const at = (f: number) => tr.update(dets([{ x: 100, y: 100, score: 0.9 }]), { frame: f, t: f / 10 });
  at(0);
  at(1);
  for (let f = 2; f <= 11; f++) tr.update(dets([]), { frame: f, t: 0 }); // missing 10 frames (2..11)
  assert.deepEqual([...at(12).trackIds], [1]);
  for (let f = 13; f <= 23; f++) tr.update(dets([]), { frame: f, t: 0 }); // missing 11 frames
  const out = at(24); // new tentative track, not reported yet
  assert.equal(out.count, 0);
  assert.deepEqual([...at(25).trackIds], [2]);
});

test("lost time counts source frames, so the buffer is the same at stride 5", () => {
  const tr = new ByteTracker({ fps: 25, trackBufferSeconds: 1 }); // 25 frames
  const at = (f: number) => tr.update(dets([{ x: 100 + f, y: 100, score: 0.9 }]), { frame: f, t: f / 25 });
  at(0);
  at(5);
  for (let f = 10; f <= 25; f += 5) tr.update(dets([]), { frame: f, t: 0 });
  assert.deepEqual([...at(30).trackIds], [1]); // 24 missed frames (6..29) <= 25: re-found
  for (let f = 35; f <= 55; f += 5) tr.update(dets([]), { frame: f, t: 0 });
  assert.equal(at(60).count, 0); // 29 missed frames > 25: forgotten, a new tentative track starts
  assert.deepEqual([...at(65).trackIds], [2]);
});

test("two walkers crossing with one occluded keep their ids", () => {
  const tr = createTracker("bytetrack", { fps: 25 });
  const ids = { a: new Set<number>(), b: new Set<number>() };
  for (let f = 0; f < 50; f++) {
    const a = { x: 100 + 6 * f, y: 300, score: 0.9 };
    const b = { x: 400 - 6 * f, y: 310, score: 0.85 };
    const occluded = f >= 22 && f <= 28; // B walks behind A around the crossing (f = 25)
    const out = tr.update(dets(occluded ? [a] : [b, a]), { frame: f, t: f / 25 });
    ids.a.add(idNear(out, a.x)!);
    if (!occluded) ids.b.add(idNear(out, b.x)!);
  }
  assert.equal(ids.a.size, 1, `A got ids ${[...ids.a]}`);
  assert.equal(ids.b.size, 1, `B got ids ${[...ids.b]}`);
  assert.notDeepEqual([...ids.a], [...ids.b]);
});

test("ignores classes not asked for", () => {
  const tr = new ByteTracker({ classes: [0] });
  const d = dets([{ x: 0, y: 0, score: 0.9 }, { x: 300, y: 0, score: 0.9 }]);
  d.classes[1] = 5;
  const out = tr.update(d, { frame: 0, t: 0 });
  assert.deepEqual([...out.trackIds], [1]);
});

test("20 people over 1000 frames: ids stay stable", (t) => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const people = Array.from({ length: 20 }, (_, k) => ({
    x: (k % 5) * 360 + 50, y: Math.floor(k / 5) * 230 + 20, vx: (rand() - 0.5) * 4, vy: (rand() - 0.5) * 2,
  }));
  const tr = new ByteTracker({ fps: 25 });
  const idOf = new Map<number, Set<number>>();
  let ms = 0;
  for (let f = 0; f < 1000; f++) {
    const n = people.length;
    const d: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n), classes: new Int32Array(n) };
    people.forEach((p, i) => {
      p.x += p.vx; p.y += p.vy;
      if (p.x < 0 || p.x > 1850) p.vx = -p.vx;
      if (p.y < 0 || p.y > 900) p.vy = -p.vy;
      const j = rand() - 0.5;
      d.boxes.set([p.x + j, p.y + j, p.x + 60 + j, p.y + 160 - j], 4 * i);
      d.scores[i] = rand() < 0.05 ? 0.3 : 0.6 + 0.4 * rand(); // 5% weak detections
    });
    const t0 = performance.now();
    const out = tr.update(d, { frame: f, t: f / 25 });
    ms += performance.now() - t0;
    for (let k = 0; k < out.count; k++) {
      // Output boxes are the detection boxes, so the detection index identifies the person.
      let who = -1;
      for (let i = 0; i < n && who < 0; i++) if (d.boxes[4 * i] === out.boxes[4 * k] && d.boxes[4 * i + 1] === out.boxes[4 * k + 1]) who = i;
      if (!idOf.has(who)) idOf.set(who, new Set());
      idOf.get(who)!.add(out.trackIds[k]);
    }
  }
  for (const [who, s] of idOf) assert.equal(s.size, 1, `person ${who} got ids ${[...s]}`);
  // what an update costs is a figure, not a pass mark (README: Performance)
  t.diagnostic(`${(ms / 1000).toFixed(3)} ms/frame at 20 people`);
});

test("a box flagged static (it matches the people-free plate) starts no track but may continue one", () => {
  const tr = new ByteTracker({ fps: 25 });
  const withStatic = (people: Person[], flags: number[]) => ({ ...dets(people), static: Uint8Array.from(flags) });
  for (let f = 0; f < 5; f++) {
    const out = tr.update(withStatic([{ x: 500, y: 0, score: 0.9 }], [1]), { frame: f, t: f / 25 });
    assert.equal(out.count, 0, `frame ${f}: a poster is nobody`);
  }
  const tr2 = new ByteTracker({ fps: 25 });
  tr2.update(dets([{ x: 100, y: 0, score: 0.9 }]), { frame: 0, t: 0 });
  const out = tr2.update(withStatic([{ x: 102, y: 0, score: 0.9 }], [1]), { frame: 1, t: 0.04 });
  assert.equal(out.count, 1, "a person standing against a matching background keeps their track");
});

test("at 2 fps a walker who moves most of a body width per frame keeps one track only with the time-scaled buffer", () => {
  // 50x150 boxes moving 40 px (0.27 heights) per frame: consecutive boxes overlap by IoU 0.11
  const reported = (bufferPerSecond: number) => {
    const tr = new ByteTracker({ fps: 2, bufferPerSecond });
    const seen: number[] = [];
    for (let f = 0; f < 12; f++) {
      const out = tr.update(dets([{ x: 40 * f, y: 100, score: 0.9 }]), { frame: f, t: f / 2 });
      seen.push(...out.trackIds);
    }
    return seen;
  };
  assert.ok(reported(0).length < 3, "plain IoU loses the walker after the first frame");
  assert.deepEqual(reported(1), Array(12).fill(1), "buffered, one id on every frame");
  // at 25 fps the same buffer is 4% of a height per side: a box 60 px away is never reached
  const tr = new ByteTracker({ fps: 25, bufferPerSecond: 1 });
  tr.update(dets([{ x: 0, y: 100, score: 0.9 }]), { frame: 0, t: 0 });
  const out = tr.update(dets([{ x: 60, y: 100, score: 0.9 }]), { frame: 1, t: 0.04 });
  assert.notEqual(out.trackIds[0], 1);
});

test("emitTentative reports unconfirmed tracks under ids given at birth", () => {
  const tr = new ByteTracker({ fps: 25, emitTentative: true });
  tr.update(dets([]), { frame: 0, t: 0 });
  const first = tr.update(dets([{ x: 100, y: 0, score: 0.9 }]), { frame: 1, t: 0.04 });
  assert.equal(first.count, 1, "reported on its first frame");
  const second = tr.update(dets([{ x: 102, y: 0, score: 0.9 }]), { frame: 2, t: 0.08 });
  assert.deepEqual([...second.trackIds], [...first.trackIds], "the same id once confirmed");
  const plain = new ByteTracker({ fps: 25 });
  plain.update(dets([]), { frame: 0, t: 0 });
  assert.equal(plain.update(dets([{ x: 100, y: 0, score: 0.9 }]), { frame: 1, t: 0.04 }).count, 0);
});

