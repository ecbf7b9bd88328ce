// The pages re-cut the engine's figures in the browser when the reader moves the time window
// (events.js windowSummary, compare.js windowMeasures, grid.js dwellGrid, the Overview's mean in
// view and people counted). Each is held equal to the analytics engine here, on the demo run (made from the bundled
// clip when missing), reading the very files the pages get from their data loaders.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { compare } from "../loaders/analytics/compare.ts";
import { countEstimate, dwellGrid as engineGrid, lineCounts } from "../loaders/analytics/metrics.ts";
import { headline } from "../loaders/analytics/report.ts";
import { openRunAnalytics } from "../src/data/_lib/analytics.ts";
import { readEvents, windowSummary } from "../src/components/events.js";
import { windowMeasures } from "../src/components/compare.js";
import { dwellGrid, readPoints } from "../src/components/grid.js";
import { countInterval } from "../src/components/count-interval.js";
import { meanInView, windowSum } from "../src/components/people-in-view.js";

const ROOT = join(import.meta.dirname, "..");

/** What a data loader writes for the page, as the page receives it. */
function loaderOutput(loader: string, ...args: string[]): Buffer {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/data", loader), ...args], { cwd: ROOT, maxBuffer: 1 << 28, timeout: 600_000 });
  assert.equal(r.status, 0, `${loader}: ${r.stderr}`);
  return r.stdout;
}
const arrayBuffer = (b: Buffer) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;

const engine = await openRunAnalytics("a");
after(() => engine.close());
const info = JSON.parse(loaderOutput("[run]/info.json.ts", "--run=a").toString());
const events = readEvents(arrayBuffer(loaderOutput("[run]/events.bin.ts", "--run=a")));
const points = readPoints(arrayBuffer(loaderOutput("[run]/points.bin.ts", "--run=a")));
const people = JSON.parse(loaderOutput("people-in-view.json.ts").toString());
const duration = engine.info.video.duration;
const dt = points.frameSeconds;

// Windows a reader could brush: the whole run, halves, and edges between frames and on frames.
const WINDOWS: [number, number][] = [[0, duration], [0, duration / 2], [duration / 2, duration], [1.3, 4.7], [2.02, 5.98], [dt * 30, dt * 90]];
const close = (a: number, b: number, what: string, tol = 1e-4) => assert.ok(Math.abs(a - b) <= tol || (Number.isNaN(a) && Number.isNaN(b)), `${what}: page ${a} vs engine ${b}`);

test("the demo run has customers, crossings and zone visits to compare", () => {
  assert.ok(events.tracks.start.length > 5 && events.crossings.t.length > 0 && events.visits.enter.length > 0, JSON.stringify(info.counts));
});

test("events.js windowSummary = the engine's headline (visitors, line in/out per line, median time in view)", async () => {
  for (const [t0, t1] of WINDOWS) {
    const w = { fromSeconds: t0, toSeconds: t1 };
    const page = windowSummary(events, { t0, t1 }, info.config);
    const h = await headline(engine.a, w);
    const what = `window ${t0}-${t1}`;
    assert.equal(page.visitors, h.visitors, `${what}: visitors`);
    assert.equal(page.in, h.lineIn, `${what}: in`);
    assert.equal(page.out, h.lineOut, `${what}: out`);
    close(page.medianSeconds, h.medianDwellSeconds ?? NaN, `${what}: median seconds in view`);
    const lines = await lineCounts(engine.a, w);
    assert.deepEqual(page.lines.map((l: { name: string; in: number; out: number }) => [l.name, l.in, l.out]), lines.map((l) => [l.line, l.in, l.out]), `${what}: per line`);
  }
});

test("compare.js windowMeasures = the engine's compare() point estimates (people seen, hours, visit rate, mean dwell)", async () => {
  for (const [t0, t1] of WINDOWS) {
    const side = { analytics: engine.a, window: { fromSeconds: t0, toSeconds: t1 } };
    const c = await compare(side, side, { resamples: 1 });
    const page = windowMeasures({ events, win: { t0, t1 }, zones: info.config.zones, frames: info.framesAnalysed, frameSeconds: info.frameSeconds });
    const what = `window ${t0}-${t1}`;
    assert.equal(page.visitors, c.visitors[0], `${what}: people seen`);
    close(page.hours, c.hours[0], `${what}: hours`, 1e-9);
    c.zones.forEach((z, k) => {
      close(page.zones[k].rate, z.visitRate.a, `${what}: ${z.zone} visits per hour`, 1e-3);
      close(page.zones[k].meanDwell, z.meanDwell.a, `${what}: ${z.zone} mean dwell`);
    });
  }
});

test("grid.js dwellGrid = the engine's dwell_grid at the pages' cell size", async () => {
  const { cols, rows, cell } = points.grid;
  for (const [t0, t1] of WINDOWS) {
    const page = dwellGrid(points, t0, t1);
    const g = await engineGrid(engine.a, cell, { fromSeconds: t0, toSeconds: t1 });
    assert.deepEqual([g.cols, g.rows], [cols, rows]);
    let worst = 0;
    for (let i = 0; i < page.length; i++) worst = Math.max(worst, Math.abs(page[i] - g.seconds[i]));
    assert.ok(worst < 1e-6, `window ${t0}-${t1}: largest cell difference ${worst} s`);
    close(page.reduce((s: number, v: number) => s + v, 0), g.visitorHours * 3600, `window ${t0}-${t1}: total person-seconds`, 1e-6);
  }
});

test("the Overview's mean customers in view = the engine's headline meanInView", async () => {
  for (const [t0, t1] of WINDOWS) {
    const h = await headline(engine.a, { fromSeconds: t0, toSeconds: t1 });
    close(meanInView(people, { t0, t1 }), h.meanInView, `window ${t0}-${t1}: mean in view`, 1e-3);
  }
});

test("the Overview's people counted (count-interval.js over the window's bins) = the engine's countEstimate", async () => {
  for (const [t0, t1] of WINDOWS) {
    const e = await countEstimate(engine.a, { fromSeconds: t0, toSeconds: t1 });
    assert.ok(e, "the demo run has people counts");
    const page = countInterval(windowSum(people, "counted", { t0, t1 }), people.counting);
    const what = `window ${t0}-${t1}`;
    assert.equal(page.frames, e.frames, `${what}: frames`);
    close(page.value, e.meanInView.value, `${what}: people counted`, 1e-3);
    close(page.lo, e.meanInView.lo, `${what}: interval from`, 1e-3);
    close(page.hi, e.meanInView.hi, `${what}: interval to`, 1e-3);
  }
});
