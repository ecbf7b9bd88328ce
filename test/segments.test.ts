// A day of one camera as several files: each gets its wall-clock start, results land in one
// Hive-partitioned dataset that DuckDB and `smw report` read together.
import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { parseCameraConfig } from "../loaders/config/camera.ts";
import { expandVideoInputs, planSegments, segmentStarts } from "../loaders/pipeline/segments.ts";
import { smw, tempDir } from "./helpers.ts";

test("segment starts come from file names, else back to back from the config's start", () => {
  const config = parseCameraConfig({ camera: "front", start: "2024-05-18T09:00:00", timezone: "Europe/Berlin" });
  const named = segmentStarts(["cam_20240518_100000.mp4", "cam_20240518_101500.mp4"], [900, 900], config);
  assert.deepEqual(named.map((d) => d?.toISOString()), ["2024-05-18T08:00:00.000Z", "2024-05-18T08:15:00.000Z"]);
  const chained = segmentStarts(["a.mp4", "b.mp4", "c.mp4"], [600, 300, 60], config);
  assert.deepEqual(chained.map((d) => d?.toISOString()), ["2024-05-18T07:00:00.000Z", "2024-05-18T07:10:00.000Z", "2024-05-18T07:15:00.000Z"]);
  assert.deepEqual(segmentStarts(["a.mp4", "b.mp4"], [1, 1]), [null, null]);
});

test("several segments are laid out as camera=/date=/segment, one video keeps --out", () => {
  const config = parseCameraConfig({ camera: "front", timezone: "Europe/Berlin" });
  // 23:30 UTC on the 18th is already the 19th in Berlin: the partition follows local dates
  const plans = planSegments(["x/a.mp4", "y/a.mp4"], "out", [new Date("2024-05-18T23:30:00Z"), null], config);
  assert.deepEqual(plans.map((p) => p.out), ["out/camera=front/date=2024-05-19/a", "out/camera=front/date=unknown/a-2"]);
  assert.equal(planSegments(["v.mp4"], "out", [null])[0].out, "out");
});

test("analyze a folder of segments, then query the dataset and report on it as one", async () => {
  const footage = join(tempDir(), "2024-05-18");
  mkdirSync(footage);
  copyFileSync("data/clips/tud-campus.mp4", join(footage, "front_20240518_100000.mp4"));
  copyFileSync("data/clips/tud-campus.mp4", join(footage, "front_20240518_100003.mp4"));
  writeFileSync(join(footage, "notes.txt"), "not a video");
  assert.equal(expandVideoInputs([footage]).length, 2);
  const out = tempDir();
  const config = join(out, "..", "camera-front.json");
  writeFileSync(config, JSON.stringify({ camera: "front", timezone: "Europe/Berlin", lines: [{ name: "door", a: [320, 480], b: [320, 0], in: "right" }] }));
  const r = smw(["analyze", footage, "--out", out, "--config", config, "--stride", "2", "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  for (const seg of ["front_20240518_100000", "front_20240518_100003"]) {
    const dir = join(out, "camera=front", "date=2024-05-18", seg);
    assert.ok(existsSync(join(dir, "tracks.parquet")) && existsSync(join(dir, "events.parquet")), dir);
    assert.equal(JSON.parse(readFileSync(join(dir, "run.json"), "utf8")).segment.start.slice(11, 19), seg.endsWith("100000") ? "08:00:00" : "08:00:03");
  }
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll(
    `SELECT camera, "date"::VARCHAR AS day, count(DISTINCT filename) AS files, count(*) AS points FROM read_parquet('${out}/*/*/*/tracks.parquet', hive_partitioning = true, filename = true) GROUP BY ALL`,
  )).getRowObjectsJS();
  conn.closeSync();
  db.closeSync();
  assert.equal(rows.length, 1);
  assert.equal(rows[0].camera, "front");
  assert.equal(rows[0].day, "2024-05-18");
  assert.equal(Number(rows[0].files), 2);

  const both = JSON.parse(smw(["report", out, "--json"]).stdout);
  const first = JSON.parse(smw(["report", out, "--json", "--to", "2024-05-18T10:00:03"]).stdout);
  // the same clip twice: visitors add up across segments and a wall-clock window keeps one of them
  assert.equal(both.visitors, 2 * first.visitors);
  assert.ok(first.visitors > 0);
  assert.ok(Math.abs(both.footageSeconds - 2 * first.footageSeconds) < 0.2);
});
