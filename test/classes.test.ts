// Target classes: `smw analyze --classes` and camera.json `classes` choose the COCO classes kept;
// every table carries the class; unknown names are refused before any work; one tracker per class.
import { test } from "node:test";
import assert from "node:assert/strict";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ClassTrackStages, classTrackId, detectionsOfClass } from "../loaders/pipeline/class-tracks.ts";
import { runThresholds } from "../loaders/run/thresholds.ts";
import type { Detections, TrackRow } from "../loaders/types.ts";
import { query, smw, tempDir } from "./helpers.ts";

const dir = tempDir("smw-classes-");
const clip = "data/clips/tud-campus.mp4";

test("--classes bicycle on the pedestrian clip: no person tracks, no person boxes", () => {
  const out = join(dir, "bicycle");
  const r = smw(["analyze", clip, "--out", out, "--classes", "bicycle", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  return (async () => {
    const [t] = await query(`SELECT count(*)::INTEGER AS n FROM '${out}/tracks.parquet'`);
    const [d] = await query(`SELECT count(*) FILTER (class = 'person')::INTEGER AS people, count(*)::INTEGER AS n FROM '${out}/detections.parquet'`);
    console.log(`bicycle on ${clip}: ${t.n} track points, ${d.n} boxes`);
    assert.equal(t.n, 0);
    assert.equal(d.people, 0);
  })();
});

test("person,bicycle keeps exactly the person tracks of a person-only run, each row saying its class", async () => {
  const person = join(dir, "person"), both = join(dir, "both");
  assert.equal(smw(["analyze", clip, "--out", person, "--quiet"]).code, 0);
  assert.equal(smw(["analyze", clip, "--out", both, "--classes", "person,bicycle", "--quiet"]).code, 0);
  const [c] = await query(`SELECT count(*)::INTEGER AS n, count(DISTINCT class)::INTEGER AS classes, any_value(class) AS class FROM '${person}/tracks.parquet'`);
  assert.ok(c.n as number > 100);
  assert.deepEqual([c.classes, c.class], [1, "person"]);
  // ids of the person tracker come back interleaved with the class's place (person first of two)
  const diff = await query(`
    (SELECT frame, track_id, x1, y1, x2, y2, score FROM '${person}/tracks.parquet'
     EXCEPT SELECT frame, track_id // 2, x1, y1, x2, y2, score FROM '${both}/tracks.parquet' WHERE class = 'person')
    UNION ALL
    (SELECT frame, track_id // 2, x1, y1, x2, y2, score FROM '${both}/tracks.parquet'
     EXCEPT SELECT frame, track_id, x1, y1, x2, y2, score FROM '${person}/tracks.parquet')`);
  assert.equal(diff.length, 0, `${diff.length} rows differ`);
  const run = JSON.parse(readFileSync(join(both, "run.json"), "utf8"));
  assert.deepEqual(run.model.classes, ["person", "bicycle"]);
});

test("unknown class names: exit 2 with one line naming the valid ones, from the flag or the camera config", () => {
  const r = smw(["analyze", clip, "--out", join(dir, "bad"), "--classes", "person,bycycle"]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^smw: --classes: "bycycle" is not a class of nanodet-m-int8; valid: person, bicycle, car, .*toothbrush\n$/);
  const config = join(dir, "camera.json");
  writeFileSync(config, JSON.stringify({ camera: "c", classes: ["cars"] }));
  const c = smw(["analyze", clip, "--out", join(dir, "bad2"), "--config", config]);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /camera\.json: classes: "cars" is not a class of .*; valid: person, bicycle, car,/);
  assert.equal(c.stderr.trim().split("\n").length, 1);
  assert.equal(smw(["analyze", clip, "--out", join(dir, "bad3"), "--classes", ","]).code, 2);
});

test("one tracker per class: boxes of one class never join another's track, ids stay unique", async () => {
  // a person walking right and a bicycle standing where the person's path goes
  const frame = (i: number): Detections => ({
    count: 2,
    boxes: Float32Array.from([100 + 8 * i, 100, 150 + 8 * i, 220, 300, 120, 380, 200]),
    scores: Float32Array.from([0.9, 0.8]),
    classes: Int32Array.from([0, 1]),
  });
  const rows: (TrackRow & { cls: string })[] = [];
  const stages = new ClassTrackStages([0, 1], ["person", "bicycle"], {
    tracker: "bytetrack", thresholds: runThresholds({ detect: 0.35, count: 0.45, tracker: "bytetrack" }), fps: 10, stride: 1, repair: true, repairGapSeconds: 2,
    frameSize: [640, 480],
  }, async (settled, cls) => void rows.push(...settled.map((r) => ({ ...r, cls }))), () => {});
  for (let i = 0; i < 30; i++) stages.update(frame(i), i, i / 10);
  await stages.finish();
  const ids = (cls: string) => new Set(rows.filter((r) => r.cls === cls).map((r) => r.trackId));
  assert.equal(ids("person").size, 1);
  assert.equal(ids("bicycle").size, 1);
  assert.notDeepEqual([...ids("person")], [...ids("bicycle")]);
  assert.ok(rows.filter((r) => r.cls === "bicycle").every((r) => r.x1 === 300));
  assert.ok([...ids("person")].every((id) => id % 2 === 0) && [...ids("bicycle")].every((id) => id % 2 === 1));
  assert.equal(stages.tracklets.size, 2);
});

test("class subsets and ids", () => {
  const d: Detections = { count: 3, boxes: Float32Array.from([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5]), scores: Float32Array.from([0.1, 0.2, 0.3]), classes: Int32Array.from([2, 0, 2]), static: Uint8Array.from([1, 0, 0]) };
  const cars = detectionsOfClass(d, 2);
  assert.equal(cars.count, 2);
  assert.deepEqual([...cars.boxes], [0, 0, 1, 1, 4, 4, 5, 5]);
  assert.deepEqual([...cars.scores].map((s) => +s.toFixed(1)), [0.1, 0.3]);
  assert.deepEqual([...cars.static!], [1, 0]);
  assert.equal(detectionsOfClass(d, 7).count, 0);
  assert.equal(classTrackId(5, 0, 1), 5);
  assert.deepEqual([classTrackId(5, 0, 3), classTrackId(5, 1, 3), classTrackId(5, 2, 3)], [15, 16, 17]);
});

test("smw report counts per class: a run whose tracks are of two classes gets a row for each", async () => {
  // the person,bicycle run with its two longest tracks relabelled as bicycles (no bicycle rides through the bundled clips)
  const both = join(dir, "both"), mixed = join(dir, "mixed");
  cpSync(both, mixed, { recursive: true });
  await query(`COPY (SELECT * REPLACE (CASE WHEN track_id IN (SELECT track_id FROM '${both}/tracks.parquet' GROUP BY track_id ORDER BY count(*) DESC, track_id LIMIT 2)
    THEN 'bicycle' ELSE class END AS class) FROM '${both}/tracks.parquet') TO '${mixed}/tracks.parquet' (FORMAT parquet)`);
  const r = smw(["report", mixed, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const h = JSON.parse(r.stdout);
  const byClass = Object.fromEntries(h.classes.map((c: { class: string; visitors: number }) => [c.class, c.visitors]));
  console.log(`visitors by class: ${JSON.stringify(byClass)} of ${h.visitors}`);
  assert.equal(byClass.bicycle, 2);
  assert.equal(byClass.person + byClass.bicycle, h.visitors);
  const text = smw(["report", mixed]).stdout;
  assert.match(text, /Class\s+Visitors\s+Line in\s+Line out\n(person|bicycle)\s+\d+/);
  // a run of people alone keeps its report as it was: no class table
  assert.doesNotMatch(smw(["report", both]).stdout, /^Class/m);
});
