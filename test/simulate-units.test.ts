// The pure pieces of smw simulate: masks, the people-free plate, the height model, paths and
// perspective walking, Poisson arrivals, and the till's queue discipline.
import { test } from "node:test";
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { fillHoles, largestBlob, personMask } from "../loaders/simulate/mask.ts";
import { fitHeightModel, inpaint, maskedMedian } from "../loaders/simulate/plate.ts";
import { heightAt, PathBuilder, pointAtMetres, poseAt } from "../loaders/simulate/path.ts";
import { planDay, poissonArrivals, stream } from "../loaders/simulate/plan.ts";
import { loadScenario } from "../loaders/simulate/scenario.ts";

test("person mask: the largest blob with its holes filled; specks and a neighbour's elbow go", () => {
  const [w, h] = [20, 30];
  const plate = new Uint8Array(w * h * 3).fill(100);
  const rgb = plate.slice();
  const paint = (x0: number, y0: number, x1: number, y1: number, v: number) => {
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) rgb.fill(v, (y * w + x) * 3, (y * w + x) * 3 + 3);
  };
  paint(6, 4, 14, 28, 20); // the person
  paint(9, 12, 11, 14, 100); // a hole where their coat matches the background
  paint(0, 0, 2, 2, 200); // a speck in the corner
  const m = personMask(rgb, plate, w, h, [5, 3, 15, 29]);
  assert.equal(m[13 * w + 10], 1, "the hole is filled");
  assert.equal(m[0], 0, "the speck is gone");
  assert.equal(m[20 * w + 10], 1);
  assert.equal(m[20 * w + 2], 0);
  const two = new Uint8Array([1, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0]);
  assert.deepEqual([...largestBlob(two, 4, 4)], [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  const ring = new Uint8Array([1, 1, 1, 1, 0, 1, 1, 1, 1]);
  assert.deepEqual([...fillHoles(ring, 3, 3)], [1, 1, 1, 1, 1, 1, 1, 1, 1]);
});

test("plate: the median of uncovered frames only, and diffusion where nobody ever moved away", () => {
  const [w, h] = [3, 1];
  const frames = [10, 12, 200, 14].map((v, i) => Uint8Array.from({ length: w * h * 3 }, (_, k) => (k < 3 ? v : k < 6 ? 50 + i : 0)));
  // pixel 0: covered in frame 2 (the 200: a person); pixel 2: covered everywhere
  const covered = [0, 1, 2, 3].map((f) => Uint8Array.from([f === 2 ? 1 : 0, 0, 1]));
  const { rgb, hole } = maskedMedian(frames, covered, w, h);
  assert.equal(rgb[0], 12, "median of 10, 12, 14: the person is not in it");
  assert.deepEqual([...hole], [0, 0, 1]);
  inpaint(rgb, hole, w, h, 50);
  assert.equal(rgb[6], rgb[3], "the hole takes its neighbour's value");
});

test("height model: a least-squares line through boxes wholly inside the picture", () => {
  const boxes = [200, 250, 300, 350].map((y2) => ({ x1: 100, y1: y2 - (2 * y2 - 300), x2: 150, y2 }));
  const [a, b] = fitHeightModel([...boxes, { x1: 0, y1: 0, x2: 50, y2: 479 }], 640, 480);
  assert.ok(Math.abs(a + 300) < 1e-9 && Math.abs(b - 2) < 1e-9, `${a}, ${b}`);
});

test("paths: walking speed follows depth, poses interpolate, standing is still, metres along a line", () => {
  const heights = [0, 1] as const; // a person is y pixels tall at foot y
  const near = new PathBuilder(heights, 1.7, 0, 0, 400).walkTo(400, 400).build();
  const far = new PathBuilder(heights, 1.7, 0, 0, 100).walkTo(400, 100).build();
  // 1.7 m/s is one height per second: 400 px takes 1 s at 400 px tall, 4 s at 100 px
  assert.ok(Math.abs(near.t.at(-1)! - 1) < 1e-9);
  assert.ok(Math.abs(far.t.at(-1)! - 4) < 1e-9);
  const p = new PathBuilder(heights, 1.7, 10, 0, 400).walkTo(400, 400).wait(5).walkTo(0, 400).build();
  assert.equal(poseAt(p, 9), undefined);
  const mid = poseAt(p, 10.5)!;
  assert.ok(Math.abs(mid.x - 200) < 1e-6 && mid.y === 400 && !mid.still && mid.heading === 1, JSON.stringify(mid));
  const standing = poseAt(p, 13)!;
  assert.equal(standing.still, true);
  assert.equal(standing.heading, 1, "keeps facing the way they came");
  assert.equal(poseAt(p, 16.5)!.heading, -1);
  assert.ok(Math.abs(poseAt(p, 11)!.d - 1) < 1e-6, "one height walked");
  assert.deepEqual(pointAtMetres([[0, 170], [1000, 170]], heights, 2), [200, 170]);
  assert.ok(heightAt([-100, 0.1], 0) >= 8, "never below a few pixels");
});

test("Poisson arrivals: the hour's rate, within [from, to), sorted; the same stream gives the same times", () => {
  const times = poissonArrivals(stream(1, "t"), (h) => (h === 10 ? 3600 : 0), 9 * 3600, 11 * 3600);
  assert.ok(Math.abs(times.length - 3600) < 4 * 60, `${times.length} arrivals for a mean of 3600`);
  assert.ok(times.every((t, i) => t >= 10 * 3600 && t < 11 * 3600 && (i === 0 || t >= times[i - 1])));
  assert.deepEqual(poissonArrivals(stream(1, "t"), () => 30, 0, 3600), poissonArrivals(stream(1, "t"), () => 30, 0, 3600));
});

test("the till serves one at a time in order of joining; nobody waits past their patience or joins a full line", () => {
  const s = loadScenario(resolve(import.meta.dirname, "..", "data", "scenarios", "front.json"));
  const agents = planDay({ scenario: s, heights: [-151, 1.19], people: 10, day: 1, weekday: 4, seed: 3 });
  const queued = agents.filter((a) => a.queue).map((a) => a.queue!).sort((a, b) => a.join - b.join);
  const served = queued.filter((q) => !q.abandoned);
  assert.ok(served.length > 100 && queued.length > served.length, `${served.length} served, ${queued.length - served.length} gave up`);
  for (let i = 1; i < served.length; i++) {
    assert.ok(served[i].serviceStart! >= served[i - 1].serviceEnd! - 1e-9, "first come, first served, one at a time");
  }
  assert.ok(served.every((q) => q.serviceStart! >= q.join && q.serviceEnd! > q.serviceStart!));
  assert.ok(queued.filter((q) => q.abandoned).every((q) => q.serviceStart === null && q.left > q.join));
  // never more than maxLength waiting when someone joins
  for (const q of queued) {
    const waiting = queued.filter((o) => o !== q && o.join < q.join && o.left > q.join).length;
    assert.ok(waiting <= s.queue!.maxLength, `${waiting} waiting`);
  }
});
