// Line crossings and zone visits on synthetic foot paths.
import { test } from "node:test";
import assert from "node:assert/strict";
import type { LineConfig, ZoneConfig } from "../loaders/config/camera.ts";
import { footPathFromRows } from "../loaders/analytics/geometry.ts";
import { lineCrossings } from "../loaders/analytics/line-crossings.ts";
import { displayImpressions, zoneVisits } from "../loaders/analytics/zones.ts";

const FPS = 10;
/** One track walking through the given foot points, one per frame. */
function walk(points: [number, number][], trackId = 1, firstFrame = 0) {
  return points.map(([x, y], i) => ({ trackId, frame: firstFrame + i, t: (firstFrame + i) / FPS, x1: x - 10, x2: x + 10, y2: y }));
}
const xs = (from: number, to: number, y = 50, step = 10): [number, number][] => {
  const out: [number, number][] = [];
  for (let x = from; from <= to ? x <= to : x >= to; x += from <= to ? step : -step) out.push([x, y]);
  return out;
};
// Vertical line x = 100 from y 0 to y 100, pointing up on screen: "right" is screen-right.
const door: LineConfig = { name: "door", a: [100, 100], b: [100, 0], in: "right" };

test("a walk across counts once, in the right direction, at the first frame on the new side", () => {
  const events = lineCrossings(footPathFromRows(walk(xs(0, 200))), [door], { segment: "s" });
  assert.deepEqual(events, [{ segment: "s", track_id: 1, frame: 11, t_seconds: 1.1, line: "door", direction: "in" }]);
  assert.equal(lineCrossings(footPathFromRows(walk(xs(200, 0))), [door])[0].direction, "out");
});

test("lingering on the line counts once", () => {
  const linger: [number, number][] = [...xs(0, 90), [100, 50], [101, 50], [99, 50], [100, 50], [102, 50], [98, 50], [101, 50], [99, 50], [100, 50], ...xs(110, 200)];
  assert.equal(lineCrossings(footPathFromRows(walk(linger)), [door]).length, 1);
});

test("in, then back out, counts one in and one out", () => {
  const events = lineCrossings(footPathFromRows(walk([...xs(0, 150), ...xs(140, 0)])), [door]);
  assert.deepEqual(events.map((e) => e.direction), ["in", "out"]);
});

test("jitter across the line shorter than minFramesOnSide counts zero", () => {
  // two frames on the far side, then back
  const jitter: [number, number][] = [...xs(0, 90), [105, 50], [106, 50], ...xs(90, 0)];
  assert.equal(lineCrossings(footPathFromRows(walk(jitter)), [door], { minFramesOnSide: 3 }).length, 0);
  assert.equal(lineCrossings(footPathFromRows(walk(jitter)), [door], { minFramesOnSide: 2 }).length, 2, "but counts with a lower threshold");
});

test("walking round the end of the line, across its infinite extension, counts zero", () => {
  assert.equal(lineCrossings(footPathFromRows(walk(xs(0, 200, 150))), [door]).length, 0);
  // ...and a later real crossing back counts normally: the side was updated silently.
  const roundAndBack = [...xs(0, 200, 150), ...xs(200, 0, 50)];
  assert.deepEqual(lineCrossings(footPathFromRows(walk(roundAndBack)), [door]).map((e) => e.direction), ["out"]);
});

test("tracks are independent; events are sorted by time", () => {
  const rows = [...walk(xs(200, 0), 7, 5), ...walk(xs(0, 200), 3)];
  const events = lineCrossings(footPathFromRows(rows), [door, { ...door, name: "door2", in: "left" }]);
  assert.deepEqual(events.map((e) => [e.track_id, e.line, e.direction]), [[3, "door", "in"], [3, "door2", "out"], [7, "door", "out"], [7, "door2", "in"]]);
});

const shelf: ZoneConfig = { name: "shelf", kind: "display", polygon: [[100, 0], [200, 0], [200, 100], [100, 100]] };
const till: ZoneConfig = { name: "till", kind: "checkout", polygon: [[300, 0], [400, 0], [400, 100], [300, 100]] };

const at = (x: number, n: number): [number, number][] => Array.from({ length: n }, () => [x, 50]);

test("zone visit: enter at the first frame inside, exit at the first frame outside", () => {
  const v = zoneVisits(footPathFromRows(walk([...at(50, 5), ...at(150, 20), ...at(250, 5)])), [shelf, till], { observationSeconds: 1 / FPS, segment: "s" });
  assert.equal(v.length, 1);
  assert.equal(v[0].zone, "shelf");
  assert.equal(v[0].kind, "display");
  assert.equal(v[0].enter_t, 0.5);
  assert.equal(v[0].exit_t, 2.5);
  assert.ok(Math.abs(v[0].dwell_seconds - 2) < 1e-9);
});

test("debounce merges a brief exit and splits a long one", () => {
  const opts = { observationSeconds: 1 / FPS, debounceSeconds: 1 };
  // out for 0.5 s (5 frames): one visit spanning the gap
  const brief = zoneVisits(footPathFromRows(walk([...at(150, 20), ...at(250, 5), ...at(150, 20)])), [shelf], opts);
  assert.equal(brief.length, 1);
  assert.ok(Math.abs(brief[0].dwell_seconds - 4.5) < 1e-9);
  // out for 1.5 s: two visits
  const long = zoneVisits(footPathFromRows(walk([...at(150, 20), ...at(250, 15), ...at(150, 20)])), [shelf], opts);
  assert.deepEqual(long.map((v) => [v.enter_t, v.exit_t]), [[0, 2], [3.5, 5.5]]);
});

test("a track that ends inside leaves one observation after its last one", () => {
  const v = zoneVisits(footPathFromRows(walk([...at(50, 10), ...at(150, 10)])), [shelf], { observationSeconds: 0.1 });
  assert.equal(v.length, 1);
  assert.ok(Math.abs(v[0].exit_t - 2.0) < 1e-9);
});

test("display impressions: stoppers against passers-by", () => {
  const rows = [...walk(at(150, 40), 1), ...walk(at(150, 10), 2), ...walk(at(350, 50), 3)];
  const v = zoneVisits(footPathFromRows(rows), [shelf, till], { observationSeconds: 0.1 });
  assert.deepEqual(displayImpressions(v, [shelf, till], 3), [{ zone: "shelf", stoppers: 1, passersBy: 1 }]);
});
