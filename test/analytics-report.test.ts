// Headline figures and their terminal text, on the bundled clip's ground truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { loadCameraConfig, parseCameraConfig } from "../loaders/config/camera.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { formatDuration, formatHeadline, headline } from "../loaders/analytics/report.ts";
import { writeRunAnalytics } from "../loaders/analytics/run-tables.ts";
import { openAnalytics } from "../loaders/analytics/views.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import { writeRun } from "./analytics-fixtures.ts";
import { tempDir } from "./helpers.ts";

const repo = join(import.meta.dirname, "..");

async function gtRun() {
  const gt = await readMotFile(join(repo, "data/clips/tud-stadtmitte.gt.txt"), { gt: true, fps: 25 });
  return { gt, dir: await writeRun(join(tempDir(), "gt"), gt, { fps: 25, frames: 179 }) };
}

test("headline on the ground truth: visitors, in view, dwell, with and without staff rules", async () => {
  const { gt, dir } = await gtRun();
  const config = loadCameraConfig(join(repo, "data/camera.example.json"));
  const perFrame = new Map<number, number>();
  for (const r of gt) perFrame.set(r.frame, (perFrame.get(r.frame) ?? 0) + 1);
  const a = await openAnalytics({ runs: [{ dir }], config });
  try {
    const h = await headline(a);
    assert.equal(h.visitors, new Set(gt.map((r) => r.trackId)).size);
    assert.equal(h.staffExcluded, 0);
    assert.equal(h.peakInView, Math.max(...perFrame.values()));
    assert.ok(Math.abs(h.meanInView - gt.length / 179) < 1e-9);
    assert.ok(Math.abs(h.footageSeconds - 7.16) < 1e-9);
    assert.equal(h.zones.length, 2);
    const text = formatHeadline(h);
    assert.match(text, /^Footage +7\.2 s$/m);
    assert.match(text, /^Visitors +10; 3 by entry-line crossings$/m);
    assert.match(text, /^left window +display +1 +1 +7\.2 s +7\.2 s +1 +0 +0\.0$/m);
    assert.match(text, /^shop front +entrance .* – +– +0\.0$/m);
  } finally {
    a.close();
  }
  // The man standing at the left window all along, as a staff rule sees him.
  const staffConfig = parseCameraConfig({ ...config, start: undefined, staff: { bornInZones: ["left window"] } });
  const b = await openAnalytics({ runs: [{ dir }], config: staffConfig });
  try {
    const h = await headline(b);
    assert.deepEqual([h.visitors, h.staffExcluded], [9, 1]);
    assert.match(formatHeadline(h), /^Visitors +9 \(1 staff excluded\); 3 by entry-line crossings$/m);
  } finally {
    b.close();
  }
});

test("writeRunAnalytics writes events.parquet and zone_visits.parquet", async () => {
  const { dir } = await gtRun();
  const config = loadCameraConfig(join(repo, "data/camera.example.json"));
  const counts = await writeRunAnalytics(dir, config);
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const one = async (sql: string) => (await conn.runAndReadAll(sql)).getRowObjectsJS()[0];
  assert.deepEqual(await one(`SELECT count(*)::INTEGER AS n FROM '${join(dir, "events.parquet")}'`), { n: counts.events });
  assert.deepEqual(await one(`SELECT count(*)::INTEGER AS n FROM '${join(dir, "zone_visits.parquet")}'`), { n: counts.zoneVisits });
  assert.deepEqual(await one(`SELECT sum(CASE WHEN direction = 'in' THEN 1 ELSE 0 END)::INTEGER AS ins FROM '${join(dir, "events.parquet")}'`), { ins: 3 });
  const ts = (await one(`SELECT min(ts) AS ts FROM '${join(dir, "events.parquet")}'`)).ts as Date;
  assert.ok(ts.toISOString().startsWith("2024-05-18T09:00:0"), "config start in Europe/Berlin");
  conn.closeSync();
  db.closeSync();
  assert.ok(counts.events > 0 && counts.zoneVisits > 0);
});

test("formatDuration", () => {
  assert.equal(formatDuration(4.84), "4.8 s");
  assert.equal(formatDuration(192), "3 min 12 s");
  assert.equal(formatDuration(7500), "2 h 05 min");
  assert.equal(formatDuration(null), "–");
});
