// End to end on the bundled real clip: the CLI as a user runs it, then every output checked
// against the video and its MOTChallenge ground truth.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { decode } from "fast-png";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { addCounts, matchFrame, precisionRecall } from "../loaders/eval/detection-metrics.ts";
import { smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4";
const GT = "data/clips/tud-stadtmitte.gt.txt";

async function query(sql: string): Promise<Record<string, unknown>[]> {
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const rows = (await conn.runAndReadAll(sql)).getRowObjectsJS() as Record<string, unknown>[];
  conn.closeSync();
  db.closeSync();
  return rows;
}

const out = tempDir();
const mot = join(out, "tracks.txt");
const run = smw(["analyze", CLIP, "--out", out, "--mot", mot, "--quiet"]);

test("analyze exits 0 and writes run.json with video metadata, model, options and timings", () => {
  assert.equal(run.code, 0, run.stderr);
  const r = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.equal(r.video.width, 640);
  assert.equal(r.video.frameCount, 179);
  assert.equal(r.framesAnalysed, 179);
  assert.deepEqual(r.model.inputSize, [384, 288]);
  assert.match(r.model.file, /models\/nanodet-int8\.onnx$/, "the default input runs the int8 model measured at it");
  assert.equal(r.options.stride, 1);
  for (const k of ["background", "decode", "detect", "track", "motion", "count", "write", "total"]) assert.ok(r.timings[k] >= 0, k);
});

test("counts.parquet: one row per analysed frame; uncalibrated, it counts the confident non-static boxes, close to the ground truth", async () => {
  const r = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  assert.equal(r.counting.calibrated, false);
  assert.equal(r.counting.residuals, undefined, "no calibration, no error model");
  assert.equal(r.outputs.counts, "counts.parquet");
  const rows = await query(`SELECT * FROM '${join(out, "counts.parquet")}' ORDER BY frame`);
  assert.equal(rows.length, 179);
  assert.deepEqual(Object.keys(rows[0]), ["frame", "t_seconds", "boxes", "foreground", "estimate"]);
  // the count is exactly the detections flagged counted, frame by frame
  const counted = await query(`SELECT frame, count(*) FILTER (counted)::INTEGER AS n, count(*) FILTER (counted AND (static OR score < 0.45))::INTEGER AS bad FROM '${join(out, "detections.parquet")}' GROUP BY frame`);
  const byFrame = new Map(counted.map((c) => [c.frame as number, c]));
  for (const row of rows) {
    assert.equal(row.boxes, byFrame.get(row.frame as number)?.n ?? 0, `frame ${row.frame}`);
    assert.equal(row.estimate, row.boxes, "uncalibrated: the estimate is the box count");
  }
  assert.ok(counted.every((c) => c.bad === 0), "static or low-score boxes never count");
  assert.equal(r.counting.static.staticConfidentDetections, (await query(`SELECT count(*)::INTEGER AS n FROM '${join(out, "detections.parquet")}' WHERE static AND score >= ${r.thresholds.count}`))[0].n);
  // against the ground truth: people per frame (occluded ones included, so the detector undercounts)
  const gt = await readMotFile(GT, { gt: true });
  let err = 0;
  for (const row of rows) err += (row.estimate as number) - gt.filter((g) => g.frame === row.frame).length;
  const bias = err / rows.length;
  console.log(`uncalibrated count on ${CLIP}: bias ${bias.toFixed(2)} people per frame`);
  assert.ok(bias < 0 && bias > -2.5, `bias ${bias}`);
});

test("detections.parquet has the documented columns and, at the count threshold, meets recall >= 0.70, precision >= 0.80 at IoU 0.5", async () => {
  const cols = await query(`DESCRIBE SELECT * FROM '${join(out, "detections.parquet")}'`);
  assert.deepEqual(cols.map((c) => `${c.column_name}:${c.column_type}`), [
    "frame:INTEGER", "t_seconds:DOUBLE", "x1:FLOAT", "y1:FLOAT", "x2:FLOAT", "y2:FLOAT", "score:FLOAT", "class:VARCHAR",
    "static:BOOLEAN", "counted:BOOLEAN",
  ]);
  const r = JSON.parse(readFileSync(join(out, "run.json"), "utf8"));
  // the table also keeps the weaker boxes tracking starts from (thresholds.keep)
  assert.equal((await query(`SELECT min(score) >= ${r.thresholds.keep} AS ok FROM '${join(out, "detections.parquet")}'`))[0].ok, true);
  const dets = await query(`SELECT * FROM '${join(out, "detections.parquet")}' WHERE score >= ${r.thresholds.count}`);
  const gt = await readMotFile(GT, { gt: true });
  let counts = { tp: 0, fp: 0, fn: 0 };
  for (let f = 0; f < 179; f++) {
    const g = gt.filter((r) => r.frame === f);
    const d = dets.filter((r) => r.frame === f);
    counts = addCounts(counts, matchFrame(
      { boxes: g.flatMap((r) => [r.x1, r.y1, r.x2, r.y2]), count: g.length },
      { boxes: d.flatMap((r) => [r.x1, r.y1, r.x2, r.y2] as number[]), count: d.length, scores: d.map((r) => r.score as number) },
    ));
  }
  const { precision, recall } = precisionRecall(counts);
  console.log(`detection on ${CLIP}: precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`, counts);
  assert.ok(recall >= 0.7, `recall ${recall}`);
  assert.ok(precision >= 0.8, `precision ${precision}`);
  assert.ok(dets.every((d) => d.class === "person"));
});

test("tracks.parquet and the MOT text agree: 1-based frames, source pixel coordinates", async () => {
  const tracks = await query(`SELECT * FROM '${join(out, "tracks.parquet")}' ORDER BY frame, track_id`);
  assert.ok(tracks.length > 100);
  const cols = Object.keys(tracks[0]);
  assert.deepEqual(cols, ["frame", "t_seconds", "track_id", "x1", "y1", "x2", "y2", "score", "interpolated", "in_region", "class"]);
  assert.ok(tracks.every((t) => t.class === "person"), "the default class");
  const lines = readFileSync(mot, "utf8").trim().split("\n").map((l) => l.split(",").map(Number));
  assert.equal(lines.length, tracks.length);
  const first = tracks[0];
  const line = lines.find((l) => l[0] === (first.frame as number) + 1 && l[1] === first.track_id)!;
  assert.ok(line, "MOT line for the first track row");
  assert.ok(Math.abs(line[2] - (first.x1 as number)) < 0.01 && Math.abs(line[4] - ((first.x2 as number) - (first.x1 as number))) < 0.02);
  assert.ok(lines.every((l) => l.length === 10 && l[0] >= 1 && l[0] <= 179 && l[7] === -1));
  // source pixels, not model-input pixels: people reach beyond the 384x288 model frame
  assert.ok(tracks.some((t) => (t.x2 as number) > 400 || (t.y2 as number) > 300));
  assert.ok(tracks.every((t) => (t.x2 as number) <= 640 && (t.y2 as number) <= 480));
});

test("background plate and motion heatmap are images at source size; the motion grid has data where people walk", async () => {
  for (const f of ["background.png", "motion_heatmap.png"]) {
    const img = decode(readFileSync(join(out, f)));
    assert.equal(img.width, 640);
    assert.equal(img.height, 480);
  }
  const grid = JSON.parse(readFileSync(join(out, "run.json"), "utf8")).motion;
  assert.deepEqual([grid.width, grid.height, grid.cellPixels], [192, 144, 640 / 192]);
  const cells = grid.width * grid.height;
  const [m] = await query(`SELECT count(*) AS cells, count(*) FILTER (WHERE value > 0) AS moving, max(value) AS top FROM '${join(out, "motion.parquet")}'`);
  assert.equal(Number(m.cells), cells);
  assert.ok(Number(m.moving) > cells / 50 && Number(m.moving) < cells, `moving cells ${m.moving}`);
  // motion is where the tracked people are: the cells under track boxes carry most of it
  const [share] = await query(`
    WITH boxes AS (SELECT DISTINCT floor((x + 0.5) * ${grid.cellPixels}::DOUBLE) AS px, floor((y + 0.5) * ${grid.cellPixels}::DOUBLE) AS py, value FROM '${join(out, "motion.parquet")}')
    SELECT sum(value) FILTER (WHERE EXISTS (
      SELECT 1 FROM '${join(out, "tracks.parquet")}' t WHERE px BETWEEN t.x1 AND t.x2 AND py BETWEEN t.y1 AND t.y2)) / sum(value) AS inside
    FROM boxes`);
  assert.ok(Number(share.inside) > 0.6, `share of motion inside track boxes: ${share.inside}`);
});

test("--stride 3 analyses every third source frame and keeps source frame numbers", async () => {
  const out3 = tempDir();
  const mot3 = join(out3, "t.txt");
  const r = smw(["analyze", CLIP, "--out", out3, "--stride", "3", "--mot", mot3, "--quiet"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(out3, "run.json"), "utf8")).framesAnalysed, 60);
  const frames = await query(`SELECT DISTINCT frame FROM '${join(out3, "detections.parquet")}'`);
  assert.ok(frames.every((f) => (f.frame as number) % 3 === 0));
  const motFrames = readFileSync(mot3, "utf8").trim().split("\n").map((l) => Number(l.split(",")[0]));
  assert.ok(motFrames.every((f) => (f - 1) % 3 === 0), "MOT frames are 1-based source frames");
});

test("the tables come out in order although nothing sorts them whole: detections by frame then score, tracks by frame then id", async () => {
  const [d] = await query(`SELECT count(*) FILTER (WHERE NOT (p IS NULL OR frame > p OR (frame = p AND score <= ps)))::INTEGER AS bad
    FROM (SELECT frame, score, lag(frame) OVER () AS p, lag(score) OVER () AS ps FROM '${join(out, "detections.parquet")}')`);
  const [t] = await query(`SELECT count(*) FILTER (WHERE NOT (p IS NULL OR frame > p OR (frame = p AND track_id > pt)))::INTEGER AS bad
    FROM (SELECT frame, track_id, lag(frame) OVER () AS p, lag(track_id) OVER () AS pt FROM '${join(out, "tracks.parquet")}')`);
  const [c] = await query(`SELECT count(*) FILTER (WHERE frame <= p)::INTEGER AS bad FROM (SELECT frame, lag(frame) OVER () AS p FROM '${join(out, "counts.parquet")}')`);
  assert.deepEqual([d.bad, t.bad, c.bad], [0, 0, 0]);
});
