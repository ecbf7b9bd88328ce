// The pages re-cut the engine's figures in the browser whenever the reader changes cameras, dates
// or the window (events.js, calendar.js, grid.js, queues.js, compare.js, floor speeds). Each is held
// equal to the analytics engine here, on a rendered store week of two cameras (test/store-fixtures.ts)
// and on the bundled demo run, reading the very data/store.bin the pages get from the loader.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { openDataset, type Dataset } from "../loaders/analytics/dataset.ts";
import { headline } from "../loaders/analytics/report.ts";
import { lineCounts, dwellGrid as engineGrid } from "../loaders/analytics/metrics.ts";
import { calendar } from "../loaders/analytics/calendar.ts";
import { queueFigures as engineQueues } from "../loaders/analytics/queues.ts";
import { compareMatched } from "../loaders/analytics/matched.ts";
import { floorDwell, walkingSpeeds } from "../loaders/analytics/floor.ts";
import { wallClockToDate } from "../loaders/config/camera.ts";
import { readStore } from "../src/components/store.js";
import { windowSummary, footageIn } from "../src/components/events.js";
import { scopeIntervals } from "../src/components/window.js";
import { dwellGrid } from "../src/components/grid.js";
import { calendarCounts } from "../src/components/calendar.js";
import { dayparts } from "../src/components/footfall.js";
import { queueFigures } from "../src/components/queues.js";
import { matchedMeasures } from "../src/components/compare.js";
import { firstWeekday } from "../src/components/clock.js";
import { storeWeek, STORE_DIR } from "./store-fixtures.ts";

const ROOT = join(import.meta.dirname, "..");
const DAY = 86400;

/** data/store.bin as the loader writes it for a dataset, read as the pages read it. */
function loadStore(env: Record<string, string>) {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "src/data/store.bin.ts")], { cwd: ROOT, maxBuffer: 1 << 30, timeout: 900_000, env: { ...process.env, ...env } });
  assert.equal(r.status, 0, `store.bin.ts: ${r.stderr}`);
  const b = r.stdout;
  // the header's fields are plain JSON to the type checker (binary.js types it as an object)
  return readStore(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength)) as ReturnType<typeof readStore> & Record<string, any>;
}

storeWeek();
const store = loadStore({ SMW_DATA: STORE_DIR });
const ds: Dataset = await openDataset({ paths: [STORE_DIR] });
after(() => ds.close());
const w0 = firstWeekday(store);
const tz = ds.cameras[0].config.timezone;

/** A page scope over store time [t0, t1) (with a weekday/hour filter) for one camera, and the engine window for it. */
function scopeOf(cam: number, t0: number, t1: number, filter: { weekdays?: number[]; hours?: number[] } | null = null) {
  const cams = Uint8Array.from(store.cameras, (_: unknown, k: number) => (k === cam ? 1 : 0));
  return { cams, t0, t1, domain: store.extent, filter, intervals: scopeIntervals({ t0, t1 }, filter, w0) };
}
const local = (t: number) => new Date(store.epochMs + t * 1000).toISOString().slice(0, 23);
const engineWindow = (t0: number, t1: number) => ({ start: wallClockToDate(local(t0), tz)!, end: wallClockToDate(local(t1), tz)! });
const close = (a: number | null, b: number | null, what: string, tol = 1e-6) =>
  assert.ok((a === null && b === null) || (Number.isNaN(a) && (b === null || Number.isNaN(b))) || Math.abs((a as number) - (b as number)) <= tol, `${what}: page ${a} vs engine ${b}`);

// windows a reader could choose: everything, a day, an afternoon across days, Monday to Thursday
const [e0, e1] = store.extent;
const WINDOWS: [string, number, number][] = [["all", e0, e1], ["Tuesday", DAY, 2 * DAY], ["Wed 12:00 to Fri 17:10", 2 * DAY + 12 * 3600, 4 * DAY + 17 * 3600 + 600], ["Mon-Thu", 0, 4 * DAY]];

test("the week has two cameras, seven days, and customers, crossings, visits and queue episodes to compare", () => {
  assert.deepEqual(store.cameras.map((c: { camera: string }) => c.camera), ["front", "side"]);
  assert.equal(store.dates.length, 7);
  const t = store.tables;
  assert.ok(t.visitors.start.length > 100 && t.crossings.t.length > 20 && t.visits.enter.length > 50 && t.queues.join.length > 0, JSON.stringify(store.cameras.map((c: { counts: unknown }) => c.counts)));
  assert.ok(store.floor?.plan && store.cameras.every((c: { floor: unknown }) => c.floor), "both cameras map onto the plan");
});

test("events.js windowSummary and footageIn = the engine's headline per camera (visitors, lines, median time in view, people in view)", async () => {
  for (const [k, c] of ds.cameras.entries()) {
    for (const [name, t0, t1] of WINDOWS) {
      const scope = scopeOf(k, t0, t1);
      const page = windowSummary(store, scope);
      const w = engineWindow(t0, t1);
      const h = await headline(c.a, w);
      const what = `${c.camera}, ${name}`;
      assert.equal(page.visitors, h.visitors, `${what}: visitors`);
      assert.equal(page.in, h.lineIn, `${what}: in`);
      assert.equal(page.out, h.lineOut, `${what}: out`);
      close(page.medianSeconds, h.medianDwellSeconds ?? NaN, `${what}: median time in view`, 1e-6);
      assert.deepEqual(page.lines.map((l: { in: number; out: number }) => [l.in, l.out]), (await lineCounts(c.a, w)).map((l) => [l.in, l.out]), `${what}: per line`);
      const f = footageIn(store, scope)[k];
      close(f.seconds, h.footageSeconds, `${what}: footage`, 1e-6);
      close(f.seconds ? f.personSeconds / f.seconds : 0, h.meanInView, `${what}: customers in view`, 1e-9);
    }
  }
});

test("a weekday/hour filter (a Calendar cell) = the engine's weekend and daypart windows", async () => {
  const parts = dayparts(store.cameras[0].config);
  for (const [k, c] of ds.cameras.entries()) {
    const weekend = windowSummary(store, scopeOf(k, e0, e1, { weekdays: [5, 6] }));
    assert.equal(weekend.visitors, (await headline(c.a, { weekday: "weekend" })).visitors, `${c.camera}: weekend visitors`);
    for (const p of parts) {
      const page = windowSummary(store, scopeOf(k, e0, e1, { hours: p.hours }));
      assert.equal(page.visitors, (await headline(c.a, { daypart: p.name })).visitors, `${c.camera}: ${p.name} visitors`);
    }
  }
});

test("calendar.js = the engine's calendar(): hour x weekday cells, days and dayparts, visitors and footage", async () => {
  const parts = dayparts(store.cameras[0].config);
  for (const [k, c] of ds.cameras.entries()) {
    const per = calendarCounts(store, scopeOf(k, e0, e1), parts)[k];
    const engine = await calendar(c.a);
    for (const cell of engine.cells) {
      const i = cell.weekday * 24 + cell.hour;
      assert.equal(per.cells.visitors[i], cell.visitors, `${c.camera} weekday ${cell.weekday} ${cell.hour}:00 visitors`);
      close(per.cells.seconds[i], cell.footageSeconds, `${c.camera} weekday ${cell.weekday} ${cell.hour}:00 footage`, 1e-6);
    }
    assert.equal(Array.from(per.cells.seconds as Float64Array).filter((x) => x > 0).length, engine.cells.length, `${c.camera}: cells filmed`);
    for (const d of engine.days) {
      const i = Math.round((Date.parse(`${d.date}T00:00:00Z`) - store.epochMs) / 86_400_000);
      assert.deepEqual([per.days.visitors[i], per.days.in[i], per.days.out[i]], [d.visitors, d.lineIn, d.lineOut], `${c.camera} ${d.date}`);
    }
    for (const p of engine.dayparts) {
      const i = (p.dayType === "weekend" ? parts.length : 0) + parts.findIndex((q: { name: string }) => q.name === p.daypart);
      assert.equal(per.parts.visitors[i], p.visitors, `${c.camera} ${p.dayType} ${p.daypart}`);
    }
  }
});

test("grid.js dwellGrid = the engine's dwell_grid at the pages' cell size, per camera and window", async () => {
  for (const [k, c] of ds.cameras.entries()) {
    const { grid } = store.cameras[k];
    for (const [name, t0, t1] of WINDOWS) {
      const page = dwellGrid(store.dwellOf(k), scopeOf(k, t0, t1).intervals, grid.cols * grid.rows);
      const g = await engineGrid(c.a, grid.cell, engineWindow(t0, t1));
      let worst = 0;
      for (let i = 0; i < page.length; i++) worst = Math.max(worst, Math.abs(page[i] - g.seconds[i]));
      assert.ok(worst < 1e-6, `${c.camera}, ${name}: largest cell difference ${worst}`);
      assert.ok(page.reduce((a: number, b: number) => a + b, 0) > 0 || name !== "all", `${c.camera}: an empty map`);
    }
  }
});

test("the floor: the page's floor cells and walking speeds = the engine's floorDwell and walkingSpeeds", async () => {
  const g = store.floor.grid;
  assert.equal(g.x0, 0);
  for (const [k, c] of ds.cameras.entries()) {
    const scope = scopeOf(k, WINDOWS[2][1], WINDOWS[2][2]);
    const page = dwellGrid(store.tables.floor, scope.intervals, g.cols * g.rows, undefined, { cam: store.tables.floor.cam, cams: scope.cams });
    const cells = await floorDwell(c.a, g.cell, engineWindow(WINDOWS[2][1], WINDOWS[2][2]));
    let total = 0;
    for (const cell of cells) {
      if (cell.cx < 0 || cell.cy < 0 || cell.cx >= g.cols || cell.cy >= g.rows) continue;
      close(page[cell.cy * g.cols + cell.cx], cell.seconds, `${c.camera} floor cell ${cell.cx},${cell.cy}`, 1e-6);
      total += cell.seconds;
    }
    close(page.reduce((a: number, b: number) => a + b, 0), total, `${c.camera}: floor total`, 1e-6);
    const speeds = (await walkingSpeeds(c.a)).filter((s) => s.speed !== null).map((s) => s.speed!).sort((x, y) => x - y);
    const v = store.tables.visitors;
    const mine = Array.from(v.speed as Float32Array).filter((s, i) => v.cam[i] === k && Number.isFinite(s)).sort((x, y) => x - y);
    assert.equal(mine.length, speeds.length, `${c.camera}: people with a speed`);
    mine.forEach((s, i) => close(s, speeds[i], `${c.camera}: speed ${i}`, 1e-5));
  }
});

test("queues.js = the engine's queueFigures (counts, waits, the 90% block bootstrap draw for draw, queue length)", async () => {
  const k = store.cameras.findIndex((c: { queues: unknown[] }) => c.queues.length);
  assert.ok(k >= 0, "the front camera has a queue zone");
  const c = ds.cameras[k];
  for (const [name, t0, t1] of [WINDOWS[0], WINDOWS[3]]) {
    const [e] = await engineQueues(c.a, engineWindow(t0, t1));
    const q = store.cameras[k].queues[0];
    const p = queueFigures(store, scopeOf(k, t0, t1), { cam: k, zone: q.zone });
    const what = `${name}`;
    assert.deepEqual([p.served, p.abandoned, p.censored, p.tooFew], [e.served, e.abandoned, e.censored, e.tooFew], `${what}: counts`);
    for (const f of ["meanWait", "meanService", "abandonment"] as const) for (const x of ["value", "lo", "hi"] as const) close(p[f][x], e[f][x], `${what}: ${f}.${x}`, 1e-9);
    close(p.medianWait ?? null, e.medianWait, `${what}: median wait`, 1e-9);
    close(p.length.mean, e.length.mean, `${what}: mean in line`, 1e-9);
    assert.equal(p.length.peak, e.length.peak, `${what}: most in line`);
  }
});

test("compare.js matchedMeasures = the engine's compareMatched point estimates (level, strata, hours, rates, dwell)", async () => {
  for (const [k, c] of ds.cameras.entries()) {
    for (const [a, b] of [[[0, 4 * DAY], [4 * DAY, 7 * DAY]], [[0, 3 * DAY], [3 * DAY, 7 * DAY]]] as [number, number][][]) {
      const e = await compareMatched(c.a, engineWindow(a[0], a[1]), engineWindow(b[0], b[1]), { resamples: 2 });
      const p = matchedMeasures(store, k, a, b);
      const what = `${c.camera} ${a} against ${b}`;
      assert.equal(p.level, e.level, `${what}: level`);
      assert.deepEqual(p.strata, e.strata, `${what}: strata`);
      assert.deepEqual(p.visitors, e.visitors, `${what}: people`);
      close(p.matchedHours[0], e.matchedHours[0], `${what}: hours A`, 1e-9);
      close(p.footfall.a, e.footfall.a, `${what}: footfall A`, 1e-9);
      close(p.footfall.b, e.footfall.b, `${what}: footfall B`, 1e-9);
      e.zones.forEach((z, i) => {
        close(p.zones[i].visitRate.a, z.visitRate.a, `${what}: ${z.zone} rate A`, 1e-9);
        close(p.zones[i].visitRate.b, z.visitRate.b, `${what}: ${z.zone} rate B`, 1e-9);
        close(p.zones[i].meanDwell.b, z.meanDwell.b, `${what}: ${z.zone} dwell B`, 1e-9);
        close(p.zones[i].medianDwell.a, z.medianDwell.a, `${what}: ${z.zone} median A`, 1e-9);
      });
    }
  }
});

test("the bundled demo run as a one-camera store: the page's headline = smw report's", async () => {
  const demo = loadStore({ SMW_DATA: "", SMW_RUN: "data/runs/demo" });
  const [c] = demo.cameras;
  const scope = { cams: Uint8Array.of(1), intervals: Float64Array.of(demo.extent[0], demo.extent[1]) };
  const page = windowSummary(demo, scope);
  assert.equal(page.visitors, c.headline.visitors);
  assert.equal(page.in, c.headline.lineIn);
  close(page.medianSeconds, c.headline.medianDwellSeconds, "median", 1e-6);
  assert.ok(demo.floor?.plan, "the bundled clip maps onto the demo store's plan");
});
