// Event snapshots on the bundled clip: a still per line crossing, display-zone entry and alert,
// named by its event id beside the run, people's heads blurred unless asked otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { snapshotFiles, SNAPSHOT_SIZE } from "../loaders/analytics/snapshots.ts";
import { blurHeads, cropAround, cropScale, headRegion, type Box } from "../loaders/scene/redact.ts";
import { decodeJpeg, detail, regionOf } from "./privacy-scan.ts";
import { query, smw, tempDir } from "./helpers.ts";

const dir = tempDir("smw-snapshots-");
const clip = "data/clips/tud-stadtmitte.mp4";
const raw = join(dir, "raw");

test("smw analyze --config takes a still of every crossing and display entry, named by event id; raw keeps an unblurred one too", async () => {
  const r = smw(["analyze", clip, "--out", raw, "--config", "data/camera.example.json", "--snapshots", "raw"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /\d+ snapshots ->/);
  const events = await query(`SELECT event_id FROM '${raw}/events.parquet' UNION ALL SELECT event_id FROM '${raw}/zone_visits.parquet' WHERE kind = 'display'`);
  const index = await query(`SELECT event_id, kind, file, raw_file FROM '${raw}/snapshots.parquet'`);
  console.log(`${events.length} events, ${index.length} snapshots: ${index.map((s) => s.event_id).join(", ")}`);
  assert.ok(events.length >= 4);
  assert.deepEqual(index.map((s) => s.event_id).sort(), events.map((e) => e.event_id).sort());
  const files = snapshotFiles(raw);
  for (const s of index) {
    assert.equal(s.file, `snapshots/${s.event_id}.jpg`);
    assert.equal(s.raw_file, `snapshots/${s.event_id}.raw.jpg`);
    assert.ok(files.includes(`${s.event_id}.jpg`) && files.includes(`${s.event_id}.raw.jpg`));
  }
  const still = await decodeJpeg(join(raw, String(index[0].file)));
  assert.deepEqual([still.width, still.height], [...SNAPSHOT_SIZE]);
});

test("blurred stills lose the detail of people's heads that the raw ones keep", async () => {
  const rows = await query(`SELECT s.event_id, s.frame, s.crop, s.file, s.raw_file FROM '${raw}/snapshots.parquet' s`);
  let heads = 0;
  for (const s of rows) {
    const crop = (s.crop as number[]).map(Number) as unknown as Box;
    const boxes = await query(`SELECT x1, y1, x2, y2 FROM '${raw}/detections.parquet' WHERE frame = ${s.frame} AND score >= 0.5`);
    const blurred = await decodeJpeg(join(raw, String(s.file)));
    const kept = await decodeJpeg(join(raw, String(s.raw_file)));
    const { map } = cropScale({ data: new Uint8Array(3), width: 1, height: 1 }, crop, blurred.width, blurred.height);
    for (const b of boxes) {
      const head = regionOf(map([b.x1, b.y1, b.x2, b.y2].map(Number) as unknown as Box));
      if (!head) continue;
      heads++;
      const ratio = detail(blurred, head) / Math.max(1e-6, detail(kept, head));
      assert.ok(ratio < 0.5, `${s.event_id}: head at ${head.join(",")} keeps ${(ratio * 100).toFixed(0)}% of its detail`);
    }
  }
  console.log(`${heads} heads checked in ${rows.length} stills`);
  assert.ok(heads >= rows.length);
});

test("smw alerts adds a still of each alert; --snapshots none takes none", async () => {
  const rules = join(dir, "rules.json");
  writeFileSync(rules, JSON.stringify([{ name: "Busy front", minPeople: 3, forSeconds: 0.5 }]));
  const a = smw(["alerts", raw, "--rules", rules, "--no-deliver"]);
  assert.equal(a.code, 0, a.stderr);
  const alerts = await query(`SELECT event_id, kind, file FROM '${raw}/snapshots.parquet' WHERE kind = 'alert'`);
  assert.ok(alerts.length >= 1, "an alert still");
  assert.match(String(alerts[0].event_id), /^alert-\d+-busy-front$/);
  assert.ok(existsSync(join(raw, String(alerts[0].file))));
  const none = join(dir, "none");
  assert.equal(smw(["analyze", clip, "--out", none, "--config", "data/camera.example.json", "--stride", "3", "--snapshots", "none", "--quiet"]).code, 0);
  assert.ok(!existsSync(join(none, "snapshots")) && !existsSync(join(none, "snapshots.parquet")));
});

test("head regions, crops around an event, scaling", () => {
  assert.deepEqual(headRegion([100, 100, 150, 300]), [95, 80, 155, 190]);
  // a 200 px tall person in a 640x480 frame: a 4:3 window 400 px tall centred on them, inside the frame
  assert.deepEqual(cropAround([600, 200, 640, 400], 640, 480, 4 / 3).map(Math.round), [107, 80, 640, 480]);
  assert.deepEqual(cropAround([10, 10, 20, 30], 640, 480, 4 / 3).map(Math.round), [0, 0, 213, 160]);
  const img = { data: new Uint8Array(4 * 4 * 3).map((_, i) => (i % 3 === 0 ? 200 : 0)), width: 4, height: 4 };
  const s = cropScale(img, [0, 0, 4, 4], 2, 2);
  assert.deepEqual([...s.image.data.slice(0, 3)], [200, 0, 0]);
  assert.deepEqual(s.map([0, 0, 4, 4]), [0, 0, 2, 2]);
  // blurring flattens a checkerboard head
  const board = { data: new Uint8Array(40 * 40 * 3).map((_, i) => ((Math.floor(i / 3) % 40) + Math.floor(i / 120)) % 2 ? 255 : 0), width: 40, height: 40 };
  const before = detail(board, [0, 0, 40, 16]);
  blurHeads(board, [[0, 0, 40, 40]]);
  assert.ok(detail(board, [0, 0, 40, 16]) < before / 10);
});
