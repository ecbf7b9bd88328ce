// Before/after comparison on a seeded synthetic case with a known change in one zone only.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCameraConfig } from "../loaders/config/camera.ts";
import { compare, MIN_PEOPLE, seededRandom } from "../loaders/analytics/compare.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import type { TrackRow } from "../loaders/types.ts";
import { trackRows, writeRun } from "./analytics-fixtures.ts";
import { tempDir } from "./helpers.ts";

const FPS = 5;
const config = parseCameraConfig({
  camera: "shop",
  zones: [
    { name: "A", kind: "display", polygon: [[100, 100], [200, 100], [200, 200], [100, 200]] },
    { name: "B", kind: "display", polygon: [[300, 100], [400, 100], [400, 200], [300, 200]] },
  ],
});
const stand = (x: number, seconds: number): [number, number][] => Array.from({ length: Math.round(seconds * FPS) }, () => [x, 150]);

/**
 * Two 120 s windows of 60 visitors each. Everyone visits B for U(2, 6) s. Before, 20 visitors
 * also visit A for U(2, 6) s; after, 50 visit A for U(5, 9) s. True changes: A's visit rate
 * +900 per hour (600 -> 1500), A's mean and median dwell +3 s; B unchanged. (20 on A's
 * before side: compare.ts gives no interval below MIN_PEOPLE people.)
 */
function visitors(): TrackRow[] {
  const random = seededRandom(42);
  const u = (lo: number, hi: number) => lo + (hi - lo) * random();
  const rows: TrackRow[] = [];
  let id = 1;
  for (const [offset, aVisitors, aDwell] of [[0, 20, [2, 6]], [120, 50, [5, 9]]] as const) {
    for (let k = 0; k < 60; k++) {
      const feet = [...(k < aVisitors ? stand(150, u(aDwell[0], aDwell[1])) : []), ...stand(350, u(2, 6))];
      rows.push(...trackRows(id++, feet, FPS, offset * FPS + 8 * k)); // one every 1.6 s: all gone before the window ends
    }
  }
  return rows;
}

test("compare: CIs contain the true change, and the summary names only the zone that changed", async () => {
  const dir = await writeRun(join(tempDir(), "seg"), visitors(), { fps: FPS, frames: 240 * FPS });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const c = await compare(
      { analytics: a, window: { fromSeconds: 0, toSeconds: 120 }, label: "before" },
      { analytics: a, window: { fromSeconds: 120, toSeconds: 240 }, label: "after" },
      { seed: 7 },
    );
    assert.deepEqual(c.labels, ["before", "after"]);
    assert.deepEqual(c.visitors, [60, 60]);
    assert.ok(Math.abs(c.hours[0] - 120 / 3600) < 1e-9);
    const [zA, zB] = c.zones;
    assert.ok(Math.abs(zA.visitRate.a - 600) < 1e-6 && Math.abs(zA.visitRate.b - 1500) < 1e-6);
    const within = ([lo, hi]: [number, number], x: number) => lo <= x && x <= hi;
    assert.ok(within(zA.visitRate.ciDiff, 900), `rate CI ${zA.visitRate.ciDiff}`);
    assert.ok(within(zA.meanDwell.ciDiff, 3), `dwell CI ${zA.meanDwell.ciDiff}`);
    assert.ok(within(zA.medianDwell.ciDiff, 3), `median dwell CI ${zA.medianDwell.ciDiff}`);
    assert.ok(within(zA.medianDwell.ciA, 4) && within(zA.medianDwell.ciB, 7), `median CIs ${zA.medianDwell.ciA} ${zA.medianDwell.ciB}`);
    assert.ok(zA.visitRate.significant && zA.meanDwell.significant && zA.medianDwell.significant);
    assert.ok(within(zB.visitRate.ciDiff, 0) && within(zB.meanDwell.ciDiff, 0) && within(zB.medianDwell.ciDiff, 0));
    assert.ok(!zB.visitRate.significant && !zB.meanDwell.significant && !zB.medianDwell.significant);
    assert.equal(c.summary.length, 3);
    assert.ok(c.summary.every((s) => s.includes("'A'") && !s.includes("'B'")), c.summary.join("\n"));
    assert.match(c.summary[0], /^Visits to 'A' rose from 600\.0 to 1500\.0 per hour \(\+150%, 95% CI \+\d+% to \+\d+%\)\.$/);
    assert.match(c.summary[1], /^Mean dwell in 'A' rose from \d\.\d s to \d\.\d s \(\+\d+%, 95% CI/);
    assert.match(c.summary[2], /^Median dwell in 'A' rose from \d\.\d s to \d\.\d s \(\+\d+%, 95% CI/);

    // Dwell maps per visitor-hour sum to 3600 s over the picture; the difference moves mass towards A.
    const total = (m: Float64Array) => m.reduce((s, x) => s + x, 0);
    assert.ok(Math.abs(total(c.dwellMap.a) - 3600) < 1e-6 && Math.abs(total(c.dwellMap.b) - 3600) < 1e-6);
    const cellA = 7 * c.dwellMap.cols + 7; // foot point (150, 150) in 20 px cells
    assert.ok(c.dwellMap.diff[cellA] > 0);

    // Same seed, same answer.
    const again = await compare({ analytics: a, window: { toSeconds: 120 } }, { analytics: a, window: { fromSeconds: 120 } }, { seed: 7 });
    assert.deepEqual(again.zones[0].meanDwell.ciDiff, zA.meanDwell.ciDiff);
    assert.deepEqual(again.zones[0].medianDwell.ciDiff, zA.medianDwell.ciDiff);
  } finally {
    a.close();
  }
});

test("compare: no significant change says so", async () => {
  const dir = await writeRun(join(tempDir(), "seg"), visitors(), { fps: FPS, frames: 240 * FPS });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const c = await compare({ analytics: a, window: { toSeconds: 120 } }, { analytics: a, window: { toSeconds: 120 } }, { resamples: 200 });
    assert.equal(c.summary.length, 1);
    assert.match(c.summary[0], /^No zone/);
  } finally {
    a.close();
  }
});

test("compare: a window with fewer than MIN_PEOPLE people gets no interval and says it is too small to tell", async () => {
  const dir = await writeRun(join(tempDir(), "seg"), visitors(), { fps: FPS, frames: 240 * FPS });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    // A: the first 1.6 s hold one visitor and their one visit to zone A; B: 60 visitors, 50 of them in A
    const c = await compare({ analytics: a, window: { toSeconds: 1.6 } }, { analytics: a, window: { fromSeconds: 120 } }, { seed: 7 });
    assert.deepEqual(c.visitors, [1, 60]);
    const [zA] = c.zones;
    for (const e of [zA.visitRate, zA.meanDwell, zA.medianDwell]) {
      assert.equal(e.tooFew, true);
      assert.equal(e.significant, false, "one person cannot make a change significant");
      assert.ok(e.ciDiff.every(Number.isNaN) && e.ciA.every(Number.isNaN), `no interval: ${e.ciDiff}`);
      assert.ok(Number.isFinite(e.a) && Number.isFinite(e.b), "the point estimates stay");
    }
    assert.deepEqual(zA.meanDwell.people, [1, 50]);
    assert.ok(!c.summary.some((s) => /95% CI/.test(s)), c.summary.join("\n"));
    assert.match(c.summary.at(-1)!, new RegExp(`^Too few people in the windows to tell \\(a figure needs at least ${MIN_PEOPLE} on each side\\): visits to 'A' \\(1 and 60 people\\); mean dwell in 'A' \\(1 and 50 people\\)`));
  } finally {
    a.close();
  }
});
