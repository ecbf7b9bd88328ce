// Floor plans and queues against ground truth:
// - the queue figures of the engine, run on the simulator's true boxes, against the simulator's own
//   queue log (who joined, was served or gave up, and each wait), over two hours of a busy till;
// - walking speeds through each camera's floor mapping on the rendered week's true boxes against
//   the scenario's walking speed (1.3 m/s on average), and on the tracks smw analyze measured;
// - a zone's floor area against the simulator's own perspective (1.7 m people);
// - the bundled clip's real pedestrians (TUD-Stadtmitte's ground truth) through its hand-measured
//   floor points: on the plan's scale they are 1.6-1.8 m tall, and they stroll (0.5-1.5 m/s).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { median } from "d3";
import { floorHomography, loadCameraConfig, type CameraConfig } from "../loaders/config/camera.ts";
import { applyHomography } from "../loaders/geometry/homography.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { floorZones, walkingSpeeds } from "../loaders/analytics/floor.ts";
import { queueFigures } from "../loaders/analytics/queues.ts";
import { findRunDirs, runStartOf } from "../loaders/run/read.ts";
import { parseMotText } from "../loaders/eval/mot-text.ts";
import { pointInPolygon } from "../loaders/geometry/plane.ts";
import { withDuckDb, sql } from "../loaders/store/duckdb.ts";
import { smw, tempDir } from "./helpers.ts";
import { storeWeek, FOOTAGE, STORE_DIR } from "./store-fixtures.ts";

const ROOT = join(import.meta.dirname, "..");
const SCENARIOS = join(ROOT, "data", "scenarios");

async function engine(dir: string, config: CameraConfig) {
  return openAnalytics({ runs: findRunDirs([dir]).map((d) => ({ dir: d, start: runStartOf(d, config), segment: d.split("/").pop() })), config });
}

test("queues: the engine on the simulator's true boxes gives its queue truth (served, gave up, waits)", { timeout: 300_000 }, async (t) => {
  const dir = tempDir("smw-queue-truth-");
  const s = JSON.parse(readFileSync(join(SCENARIOS, "front.json"), "utf8"));
  Object.assign(s, {
    camera: join(SCENARIOS, s.camera), background: join(ROOT, "data/clips/tud-stadtmitte.mp4"),
    people: [join(ROOT, "data/clips/tud-stadtmitte.mp4"), join(ROOT, "data/clips/tud-campus.mp4")],
    clock: { start: "2024-05-07", days: 1, open: [11, 13], fps: 3, segmentMinutes: 10 }, interventions: [],
  });
  writeFileSync(join(dir, "scenario.json"), JSON.stringify(s));
  const r = smw(["simulate", join(dir, "scenario.json"), "--out", join(dir, "footage"), "--no-video", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  const truth = JSON.parse(readFileSync(join(dir, "footage/front/truth.json"), "utf8")).all.queue;
  const a = await engine(join(dir, "footage/front/truth"), loadCameraConfig(join(SCENARIOS, "front.camera.json")));
  try {
    const [q] = await queueFigures(a);
    const trueAbandonment = truth.abandoned / truth.joined;
    t.diagnostic(`true: ${truth.served} served, ${truth.abandoned} gave up (${(trueAbandonment * 100).toFixed(1)}%), mean wait ${truth.meanWaitSeconds.toFixed(1)} s, median ${truth.medianWaitSeconds.toFixed(1)} s`);
    t.diagnostic(`engine on the true boxes: ${q.served} served, ${q.abandoned} gave up (${((q.abandonment.value ?? 0) * 100).toFixed(1)}%, 90% ${((q.abandonment.lo ?? 0) * 100).toFixed(1)}-${((q.abandonment.hi ?? 0) * 100).toFixed(1)}), ${q.censored} cut by a segment's start or end; mean wait ${q.meanWait.value?.toFixed(1)} s (90% ${q.meanWait.lo?.toFixed(1)}-${q.meanWait.hi?.toFixed(1)}), median ${q.medianWait?.toFixed(1)} s; mean in line ${q.length.mean?.toFixed(2)}`);
    assert.ok(truth.served > 200, `a busy till: ${truth.served} served`);
    // the engine cannot tell the outcome of a line a segment boundary cuts: those are left out, the rest counted
    assert.ok(q.served + q.censored >= truth.served * 0.95 && q.served <= truth.served, `served ${q.served} (+${q.censored} cut) against ${truth.served}`);
    assert.ok(Math.abs(q.abandonment.value! - trueAbandonment) < 0.03, `gave up ${q.abandonment.value} against ${trueAbandonment}`);
    // waiting starts where the line starts on the picture, and the simulator's a step earlier: within 3 s
    assert.ok(Math.abs(q.meanWait.value! - truth.meanWaitSeconds) < 3, `mean wait ${q.meanWait.value} against ${truth.meanWaitSeconds}`);
    assert.ok(Math.abs(q.medianWait! - truth.medianWaitSeconds) < 3, `median wait ${q.medianWait} against ${truth.medianWaitSeconds}`);
    assert.ok(q.meanWait.lo! < truth.meanWaitSeconds + 2 && q.meanWait.hi! > truth.meanWaitSeconds - 2, "the 90% interval of the mean wait reaches the truth (give or take the 2 s the definitions differ by)");
  } finally {
    a.close();
  }
});

test("floor: walking speeds through the cameras' floor mapping, true boxes and measured tracks, against the scenario's 1.3 m/s", { timeout: 900_000 }, async (t) => {
  storeWeek();
  for (const camera of ["front", "side"]) {
    const config = loadCameraConfig(join(SCENARIOS, `${camera}.camera.json`));
    const speeds = async (dir: string) => {
      const a = await engine(dir, config);
      try {
        return (await walkingSpeeds(a)).map((s) => s.speed).filter((s): s is number => s !== null);
      } finally {
        a.close();
      }
    };
    const onTruth = median(await speeds(join(FOOTAGE, camera, "truth")))!;
    const measured = median(await speeds(join(STORE_DIR, `camera=${camera}`)))!;
    t.diagnostic(`${camera}: median walking speed ${onTruth.toFixed(2)} m/s on the true boxes, ${measured.toFixed(2)} m/s on smw analyze's tracks (scenario: 1.3 m/s on average)`);
    assert.ok(Math.abs(onTruth - 1.3) < 0.12, `${camera}: ${onTruth} m/s on the true boxes`);
    assert.ok(Math.abs(measured - onTruth) < 0.25, `${camera}: ${measured} m/s measured against ${onTruth} true`);
  }
});

// The simulator's perspective is not quite a plane seen through a pinhole (its depth per row is
// 1.7 m / h(y), which integrates to a logarithm), so a plane fitted to it is off most at the far
// edge of the walkable band: 2% for the left window, 11% for the queue (its far side is at row 234).
test("floor: a zone's area on the plan = its area by the simulator's perspective (1.7 m people), within 15%", () => {
  const config = loadCameraConfig(join(SCENARIOS, "front.camera.json"));
  const h = (y: number) => -151.08 + 1.19203 * y; // the plate's person height at foot row y (scripts/floor-plan.ts)
  for (const z of floorZones(config).filter((x) => ["left window", "queue"].includes(x.zone))) {
    const polygon = config.zones.find((x) => x.name === z.zone)!.polygon;
    // integrate (1.7 / h(y))² m² per pixel over the zone's pixels
    let area = 0;
    for (let y = 0; y < 480; y++) for (let x = 0; x < 640; x++) if (pointInPolygon(x + 0.5, y + 0.5, polygon)) area += (1.7 / h(y + 0.5)) ** 2;
    assert.ok(Math.abs(z.areaM2 / area - 1) < 0.15, `${z.zone}: ${z.areaM2.toFixed(2)} m² on the plan, ${area.toFixed(2)} m² by the perspective`);
  }
});

test("floor: the bundled clip's real pedestrians through its hand-measured floor points: 1.6-1.8 m tall, strolling at 0.5-1.5 m/s", async (t) => {
  const dir = tempDir("smw-clip-floor-");
  const run = join(dir, "tud-stadtmitte");
  mkdirSync(run);
  // the clip's ground truth as a run folder (25 fps, 640x480), so the engine reads the real people's paths
  const rows = parseMotText(readFileSync(join(ROOT, "data/clips/tud-stadtmitte.gt.txt"), "utf8"));
  await withDuckDb(async (conn) => {
    await conn.run(`CREATE TABLE t (frame INTEGER, t_seconds DOUBLE, track_id INTEGER, x1 FLOAT, y1 FLOAT, x2 FLOAT, y2 FLOAT, score FLOAT, interpolated BOOLEAN)`);
    const app = await conn.createAppender("t");
    for (const r of rows) {
      app.appendInteger(r.frame); app.appendDouble(r.frame / 25); app.appendInteger(r.trackId);
      for (const v of [r.x1, r.y1, r.x2, r.y2, 1]) app.appendFloat(v);
      app.appendBoolean(false); app.endRow();
    }
    app.closeSync();
    await conn.run(`COPY t TO ${sql.string(join(run, "tracks.parquet"))} (FORMAT parquet)`);
  });
  const frames = Math.max(...rows.map((r) => r.frame)) + 1;
  writeFileSync(join(run, "run.json"), JSON.stringify({ version: 1, video: { path: "data/clips/tud-stadtmitte.mp4", width: 640, height: 480, fps: 25, frameCount: frames, duration: frames / 25 }, model: { name: "ground truth" }, options: { stride: 1, tracker: "ground truth" }, framesAnalysed: frames }));
  const config = loadCameraConfig(join(ROOT, "data/camera.example.json"));
  // a person's height on the plan: box height in pixels times the plan's metres per pixel across at their feet
  const H = floorHomography(config)!.H;
  const heights = rows.filter((r) => r.y1 > 2 && r.y2 < 478).map((r) => {
    const x = (r.x1 + r.x2) / 2;
    const [a, b] = [applyHomography(H, x, r.y2)!, applyHomography(H, x + 1, r.y2)!];
    return (r.y2 - r.y1) * Math.hypot(b[0] - a[0], b[1] - a[1]);
  });
  const a = await openAnalytics({ runs: [{ dir: run }], config });
  try {
    const speeds = (await walkingSpeeds(a)).map((s) => s.speed).filter((s): s is number => s !== null);
    const m = median(speeds)!, height = median(heights)!;
    t.diagnostic(`TUD-Stadtmitte ground truth on the plan's scale: median person ${height.toFixed(2)} m tall (${heights.length} boxes); ${speeds.length} people walked, median ${m.toFixed(2)} m/s (each person's median step at 25 fps)`);
    assert.ok(height > 1.6 && height < 1.8, `median height ${height} m`);
    assert.ok(speeds.length >= 5, `${speeds.length} people walked`);
    assert.ok(m > 0.5 && m < 1.5, `median walking speed ${m} m/s`);
  } finally {
    a.close();
  }
});
