// Analytics on the real TUD-Stadtmitte ground truth, checked against values computed here with
// plain loops over the GT rows (no analytics module is used for the expected values).
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCameraConfig } from "../loaders/config/camera.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { lineCounts, peopleInView, zoneOccupancy, zoneSummary } from "../loaders/analytics/metrics.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { query } from "../loaders/store/duckdb.ts";
import type { TrackRow } from "../loaders/types.ts";
import { writeRun } from "./analytics-fixtures.ts";
import { tempDir } from "./helpers.ts";

const FPS = 25;
const LINE_X = 420, LINE_Y0 = 200, LINE_Y1 = 400; // vertical counting line across the walkway; "in" = to the right
const ZONE = { x0: 280, x1: 500, y0: 200, y1: 262 }; // the shop front, a rectangle
const MIN_ON_SIDE = 3, DEBOUNCE = 1;

const config = parseCameraConfig({
  camera: "tud-stadtmitte",
  lines: [{ name: "walkway", a: [LINE_X, LINE_Y1], b: [LINE_X, LINE_Y0], in: "right" }],
  zones: [{ name: "shop front", kind: "entrance", polygon: [[ZONE.x0, ZONE.y0], [ZONE.x1, ZONE.y0], [ZONE.x1, ZONE.y1], [ZONE.x0, ZONE.y1]] }],
  lineCrossing: { minFramesOnSide: MIN_ON_SIDE },
  zoneDebounceSeconds: DEBOUNCE,
});

function byTrack(rows: TrackRow[]): TrackRow[][] {
  const m = new Map<number, TrackRow[]>();
  for (const r of rows) m.set(r.trackId, [...(m.get(r.trackId) ?? []), r]);
  return [...m.values()].map((rs) => rs.sort((a, b) => a.frame - b.frame));
}

/** Crossings of the vertical line: a change of side held for MIN_ON_SIDE rows whose step across x = LINE_X is between the line's ends. */
function expectedCrossings(tracks: TrackRow[][]): { in: number; out: number } {
  const count = { in: 0, out: 0 };
  for (const rows of tracks) {
    const xs = rows.map((r) => (r.x1 + r.x2) / 2);
    const ys = rows.map((r) => r.y2);
    let side = 0, last = -1;
    for (let i = 0; i < rows.length; i++) {
      const s = xs[i] > LINE_X ? 1 : xs[i] < LINE_X ? -1 : 0;
      if (s === 0) continue;
      if (side === 0 || s === side) { side = s; last = i; continue; }
      let held = 0;
      for (let j = i; j < rows.length && held < MIN_ON_SIDE; j++) {
        const sj = xs[j] > LINE_X ? 1 : xs[j] < LINE_X ? -1 : 0;
        if (sj === -side) held++;
        else if (sj === side) break;
      }
      if (held < MIN_ON_SIDE) continue;
      // where the step from the last row on the old side to this row meets x = LINE_X
      const y = ys[last] + ((ys[i] - ys[last]) * (LINE_X - xs[last])) / (xs[i] - xs[last]);
      if (y >= LINE_Y0 && y <= LINE_Y1) count[s > 0 ? "in" : "out"]++;
      side = s;
      last = i;
    }
  }
  return count;
}

/** Visits to the rectangle: runs of rows inside, joined when the time outside between them is under DEBOUNCE. */
function expectedZone(tracks: TrackRow[][]): { visits: number; dwell: number } {
  let visits = 0, dwell = 0;
  for (const rows of tracks) {
    const runs: [number, number][] = []; // [first t inside, t of first row outside (or last t + 1 frame)]
    for (let i = 0; i < rows.length; i++) {
      const x = (rows[i].x1 + rows[i].x2) / 2, y = rows[i].y2;
      const inside = x > ZONE.x0 && x < ZONE.x1 && y > ZONE.y0 && y < ZONE.y1;
      const prevInside = runs.length > 0 && runs[runs.length - 1][1] === -1;
      if (inside && !prevInside) runs.push([rows[i].t, -1]);
      if (!inside && prevInside) runs[runs.length - 1][1] = rows[i].t;
    }
    if (runs.length && runs[runs.length - 1][1] === -1) runs[runs.length - 1][1] = rows[rows.length - 1].t + 1 / FPS;
    const merged: [number, number][] = [];
    for (const r of runs) {
      const prev = merged[merged.length - 1];
      if (prev && r[0] - prev[1] < DEBOUNCE) prev[1] = r[1];
      else merged.push([...r]);
    }
    visits += merged.length;
    for (const [a, b] of merged) dwell += b - a;
  }
  return { visits, dwell };
}

test("ground truth: line counts, people per frame and zone dwell match plain loops", async () => {
  const gt = await readMotFile(join(import.meta.dirname, "..", "data", "clips", "tud-stadtmitte.gt.txt"), { gt: true, fps: FPS });
  const frames = Math.max(...gt.map((r) => r.frame)) + 1;
  const dir = await writeRun(join(tempDir(), "gt"), gt, { fps: FPS, width: 640, height: 480, frames });
  const tracks = byTrack(gt);

  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const crossings = expectedCrossings(tracks);
    assert.ok(crossings.in + crossings.out >= 4, `the line is crossed in the clip (${JSON.stringify(crossings)})`);
    const [line] = await lineCounts(a);
    assert.deepEqual({ in: line.in, out: line.out }, crossings);

    const perFrame = new Array(frames).fill(0);
    for (const r of gt) perFrame[r.frame]++;
    const inView = await peopleInView(a);
    assert.equal(inView.length, frames);
    assert.deepEqual(inView.map((r) => r.people), perFrame);

    const zone = expectedZone(tracks);
    assert.ok(zone.visits >= 3 && zone.dwell > 5);
    const [summary] = await zoneSummary(a);
    assert.equal(summary.visits, zone.visits);
    assert.ok(Math.abs(summary.total_dwell_seconds - zone.dwell) < 1e-6, `${summary.total_dwell_seconds} vs ${zone.dwell}`);

    // Occupancy over time integrates to the same dwell: per frame, customers inside x seconds per frame.
    const [{ seconds, peak }] = await query<{ seconds: number; peak: number }>(a,
      `SELECT sum(customers * dt_seconds)::DOUBLE AS seconds, max(customers)::INTEGER AS peak FROM zone_occupancy WHERE zone = 'shop front'`);
    assert.ok(Math.abs(seconds - zone.dwell) < 1e-6, `occupancy integral ${seconds} vs ${zone.dwell}`);
    const perSecond = await zoneOccupancy(a, 1);
    assert.equal(perSecond.length, Math.ceil(frames / FPS));
    assert.equal(Math.max(...perSecond.map((r) => r.peak_customers)), peak);
    const meanOverBuckets = perSecond.reduce((s, r) => s + r.mean_customers * Math.min(1, frames / FPS - r.bucket_seconds), 0);
    assert.ok(Math.abs(meanOverBuckets - zone.dwell) < 1e-6, "mean per 1 s bucket x bucket length = dwell");
  } finally {
    a.close();
  }
});
