// The DuckDB views on synthetic segments: staff exclusion, windows, several segments together.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { parseCameraConfig, wallClockToDate } from "../loaders/config/camera.ts";
import { dwellContours, dwellGrid, footfall, lineCounts, peopleInView, zoneOccupancy, zoneSummary } from "../loaders/analytics/metrics.ts";
import { windowWhere } from "../loaders/analytics/queries.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { query } from "../loaders/store/duckdb.ts";
import { UserError } from "../loaders/errors.ts";
import { trackRows, writeRun } from "./analytics-fixtures.ts";
import { tempDir } from "./helpers.ts";

const FPS = 5;
const config = parseCameraConfig({
  camera: "shop",
  timezone: "Europe/Berlin",
  lines: [{ name: "door", a: [300, 400], b: [300, 100], in: "right" }],
  zones: [
    { name: "till", kind: "staff", polygon: [[0, 0], [100, 0], [100, 100], [0, 100]] },
    { name: "shelf", kind: "display", polygon: [[400, 200], [500, 200], [500, 300], [400, 300]] },
  ],
  staff: { bornInZones: ["till"], maxDwellMinutes: 0.5 },
});
const range = (n: number, f: (i: number) => [number, number]) => Array.from({ length: n }, (_, i) => f(i));
/** Walks from x=200 to x=400 along y=250 (crossing the door "in"), starting at frame `from`. */
const walkIn = (id: number, from: number) => trackRows(id, range(20, (i) => [200 + 10 * i, 250]), FPS, from); // ends short of the shelf

test("staff: born in a staff zone, or in view longer than maxDwellMinutes, are left out of customer metrics", async () => {
  const rows = [
    ...trackRows(1, [...range(5, () => [50, 50] as [number, number]), ...range(21, (i) => [200 + 10 * i, 250])], FPS), // born at the till
    ...trackRows(2, range(200, () => [450, 250]), FPS), // 40 s at the shelf (> 0.5 min)
    ...walkIn(3, 10),
    ...trackRows(4, range(30, () => [450, 250]), FPS, 40), // 6 s at the shelf: a customer who stopped
  ];
  const dir = await writeRun(join(tempDir(), "seg"), rows, { fps: FPS, frames: 200 });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const staff = await query<{ uid: string; reason: string }>(a, `SELECT uid, reason FROM staff_uids ORDER BY uid`);
    assert.deepEqual(staff.map((s) => s.uid), ["seg/1", "seg/2"]);
    assert.match(staff[0].reason, /born in till/);
    assert.match(staff[1].reason, /in view 0\.7 min/);
    assert.deepEqual(await lineCounts(a), [{ line: "door", in: 1, out: 0, net: 1 }]);
    const [ff] = await footfall(a, "minute");
    assert.equal(ff.visitors, 2);
    assert.equal(ff.bucket, null, "no start: buckets are seconds from the start");
    assert.equal(ff.bucket_seconds, 0);
    const shelf = (await zoneSummary(a)).find((z) => z.zone === "shelf")!;
    assert.equal(shelf.visits, 1);
    assert.equal(shelf.stoppers, 1);
    assert.ok(Math.abs(shelf.total_dwell_seconds - 6) < 1e-9);
    const inView = await peopleInView(a);
    assert.equal(inView.length, 200, "every analysed frame, also empty ones");
    assert.deepEqual([inView[0].people, inView[0].customers], [2, 0]);
    assert.deepEqual([inView[45].people, inView[45].customers], [2, 1]);
    assert.deepEqual([inView[199].people, inView[199].customers], [1, 0]);
  } finally {
    a.close();
  }
});

test("two segments of one camera: distinct visitors, windows by daypart, weekend and wall clock", async () => {
  const root = tempDir();
  // Both segments have tracks 1 and 2: one first seen before noon, one after (local time).
  const rows = [...walkIn(1, 0), ...walkIn(2, 100)]; // first seen at 0 s and 20 s
  const sat = await writeRun(join(root, "sat"), rows, { fps: FPS, frames: 150 });
  const mon = await writeRun(join(root, "mon"), rows, { fps: FPS, frames: 150 });
  const satStart = wallClockToDate("2024-05-18T11:59:50", "Europe/Berlin")!; // a Saturday
  const monStart = wallClockToDate("2024-05-20T11:59:50", "Europe/Berlin")!; // the Monday after
  const a = await openAnalytics({ runs: [{ dir: sat, start: satStart }, { dir: mon, start: monStart }], config });
  try {
    const visitors = async (w: Parameters<typeof footfall>[2]) => (await footfall(a, "hour", w)).reduce((s, r) => s + r.visitors, 0);
    assert.equal(await visitors({}), 4);
    const [{ n }] = await query<{ n: number }>(a, `SELECT count(DISTINCT uid)::INTEGER AS n FROM customer_tracks`);
    assert.equal(n, 4, "track 1 of one segment is not track 1 of the other");
    assert.equal(await visitors({ daypart: "morning" }), 2);
    assert.equal(await visitors({ daypart: "afternoon" }), 2);
    assert.equal(await visitors({ weekday: "weekend" }), 2);
    assert.equal(await visitors({ weekday: "weekend", daypart: "afternoon" }), 1);
    assert.equal(await visitors({ segment: "mon" }), 2);
    assert.equal(await visitors({ start: wallClockToDate("2024-05-20T12:00:00", "Europe/Berlin")! }), 1);
    assert.equal(await visitors({ fromSeconds: 10 }), 2);

    const hours = await footfall(a, "hour");
    assert.deepEqual(hours.map((r) => [r.bucket, r.visitors, r.line_in]), [
      ["2024-05-18 11:00:00", 1, 1], ["2024-05-18 12:00:00", 1, 1], ["2024-05-20 11:00:00", 1, 1], ["2024-05-20 12:00:00", 1, 1],
    ]);
    assert.ok(Math.abs(hours[0].covered_seconds - 10) < 1e-9, "10 s of footage before noon");
    assert.deepEqual((await lineCounts(a, { weekday: "weekday" }))[0], { line: "door", in: 2, out: 0, net: 2 });
    // SQL users get the same from the macro
    const macro = await query<{ visitors: number }>(a, `SELECT visitors FROM footfall('1 hour')`);
    assert.deepEqual(macro.map((r) => r.visitors), [1, 1, 1, 1]);
  } finally {
    a.close();
  }
});

test("dwell grid: seconds per cell and per visitor; contours in pixels", async () => {
  // two visitors standing 4 s and 2 s in the same 20 px cell
  const rows = [...trackRows(1, range(20, () => [450, 250]), FPS), ...trackRows(2, range(10, () => [455, 255]), FPS)];
  const dir = await writeRun(join(tempDir(), "grid"), rows, { fps: FPS, frames: 20 });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const g = await dwellGrid(a, 20);
    assert.deepEqual([g.cols, g.rows, g.visitors], [32, 24, 2]);
    const cell = 12 * g.cols + 22;
    assert.ok(Math.abs(g.seconds[cell] - 6) < 1e-9);
    assert.ok(Math.abs(g.perVisitor[cell] - 3) < 1e-9);
    assert.ok(Math.abs(g.visitorHours - 6 / 3600) < 1e-12);
    const [ring] = dwellContours(g, [1]);
    const xs = ring.coordinates.flat(2).map((p) => p[0]);
    assert.ok(Math.min(...xs) >= 420 && Math.max(...xs) <= 480, "the outline surrounds the cell at x 440-460 in pixels");
  } finally {
    a.close();
  }
});

test("windowWhere is SQL over the shared window columns", () => {
  assert.equal(windowWhere({}), "true");
  assert.equal(
    windowWhere({ start: new Date("2024-05-18T09:00:00Z"), toSeconds: 60, daypart: "o'clock", weekday: "weekday", segment: "a" }),
    "ts >= TIMESTAMPTZ '2024-05-18T09:00:00.000Z' AND t_seconds < 60 AND daypart = 'o''clock' AND NOT is_weekend AND segment = 'a'",
  );
});

test("a segments dataset by glob: camera=/date= folders, starts from the videos' file names", async () => {
  const root = tempDir();
  const rows = [...walkIn(1, 0), ...walkIn(2, 100)]; // first seen at 0 s and 20 s
  for (const [date, stamp] of [["2024-05-18", "20240518_115950"], ["2024-05-20", "20240520_115950"]]) {
    await writeRun(join(root, "camera=shop", `date=${date}`, stamp), rows, { fps: FPS, frames: 150, path: `/videos/shop_${stamp}.mp4` });
  }
  const a = await openAnalytics({ tracks: [join(root, "camera=shop", "date=*", "*", "tracks.parquet")], config });
  try {
    assert.deepEqual(a.segments.map((s) => [s.segment, s.start?.toISOString()]), [
      ["20240518_115950", "2024-05-18T09:59:50.000Z"], ["20240520_115950", "2024-05-20T09:59:50.000Z"],
    ]);
    const visitors = async (w: Parameters<typeof footfall>[2]) => (await footfall(a, "hour", w)).reduce((s, r) => s + r.visitors, 0);
    assert.equal(await visitors({}), 4);
    assert.equal(await visitors({ weekday: "weekend", daypart: "morning" }), 1);
    const hours = await query<{ bucket: string; visitors: number }>(a, `SELECT bucket, visitors FROM footfall_hour`);
    assert.deepEqual(hours.map((r) => r.visitors), [1, 1, 1, 1]);
    assert.equal((await query(a, `SELECT * FROM footfall_minute`)).length, 4, "each 30 s segment touches 2 clock minutes (11:59, 12:00)");
  } finally {
    a.close();
  }
  await assert.rejects(openAnalytics({ tracks: [join(root, "nowhere", "*", "tracks.parquet")], config }), (e: unknown) => e instanceof UserError && /matches no tracks\.parquet/.test(e.message));
  await assert.rejects(openAnalytics({ tracks: [join(root, "missing")], config }), (e: unknown) => e instanceof UserError && /no such tracks file/.test(e.message));
});

test("zone occupancy: customers inside per frame and per bucket, staff left out", async () => {
  const rows = [
    ...trackRows(3, range(10, () => [450, 250]), FPS), // 2 s at the shelf from 0 s
    ...trackRows(4, range(15, () => [460, 260]), FPS, 5), // 3 s at the shelf from 1 s
    ...trackRows(1, range(20, () => [50, 50]), FPS), // born at the till: staff
  ];
  const dir = await writeRun(join(tempDir(), "occ"), rows, { fps: FPS, frames: 25 });
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const shelf = await query<{ frame: number; customers: number }>(a, `SELECT frame, customers FROM zone_occupancy WHERE zone = 'shelf' ORDER BY frame`);
    assert.deepEqual(shelf.map((r) => r.customers), [1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0]);
    const till = await query<{ n: number }>(a, `SELECT max(customers)::INTEGER AS n FROM zone_occupancy WHERE zone = 'till'`);
    assert.equal(till[0].n, 0, "staff are not customers");
    const perSecond = (await zoneOccupancy(a, 1)).filter((r) => r.zone === "shelf");
    assert.deepEqual(perSecond.map((r) => [r.bucket_seconds, r.mean_customers, r.peak_customers]), [[0, 1, 1], [1, 2, 2], [2, 1, 1], [3, 1, 1], [4, 0, 0]]);
    assert.deepEqual((await zoneOccupancy(a, 2, { fromSeconds: 2 })).filter((r) => r.zone === "shelf").map((r) => r.mean_customers), [1, 0]);
  } finally {
    a.close();
  }
});
