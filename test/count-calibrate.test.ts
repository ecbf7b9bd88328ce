// smw calibrate's engine end to end on the bundled TUD-Stadtmitte clip, labelled from its MOT
// ground truth (people per frame): calibrate on 20 frames spread over the clip (as the audit page
// samples them), write the camera config, then check on the 159 frames it never saw that the
// calibrated count beats the defaults.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { test } from "node:test";
import { calibrate } from "../loaders/count/calibrate.ts";
import { readCalibration } from "../loaders/count/config.ts";
import { buildPlate, collectEvidence } from "../loaders/count/evidence-cache.ts";
import { formatLabelsCsv } from "../loaders/count/labels.ts";
import { errorStats, predictCount, smoothSeries } from "../loaders/count/model.ts";
import { evidenceFeatures, headsInRoi } from "../loaders/count/sweep.ts";
import { loadManifest } from "../loaders/detect/manifest.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { UserError } from "../loaders/errors.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import { tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4";
const dir = tempDir("smw-count-cal-");
const cacheDir = join(dir, "cache");
const labelsFile = join(dir, "labels.csv");
const config = join(dir, "camera.json");
const SIZES: [number, number][] = [[384, 288], [512, 384]];

test("calibrate fits on 20 labelled frames, merges into the camera config, and beats the defaults on unseen frames", { timeout: 300_000 }, async () => {
  const video = await probeVideo(CLIP);
  const gt = await readMotFile("data/clips/tud-stadtmitte.gt.txt", { gt: true });
  const truth = Array.from({ length: video.frameCount }, (_, f) => ({ frame: f, count: gt.filter((r) => r.frame === f).length }));
  const labelled = truth.filter((t) => t.frame % 9 === 4); // 20 frames: 5, 14, ..., 176 (1-based)
  writeFileSync(labelsFile, formatLabelsCsv(labelled));
  writeFileSync(config, JSON.stringify({ name: "Stadtmitte", lines: [{ id: "walkway", a: [330, 200], b: [330, 400] }] }));

  const r = await calibrate({ video: CLIP, labels: labelsFile, config, inputSizes: SIZES, cacheDir });
  assert.equal(r.frames.length, 20);
  assert.deepEqual(r.frames, labelled);
  const stored = JSON.parse(readFileSync(config, "utf8"));
  assert.equal(stored.name, "Stadtmitte", "other keys of the config are kept");
  assert.equal(stored.lines.length, 1);
  assert.deepEqual(stored.calibration.inputSize, r.calibration.inputSize);
  assert.equal(stored.calibration.residuals.n, 20);
  assert.deepEqual(stored.calibration.source.frames, r.frames.map((f) => f.frame + 1));
  const loaded = readCalibration(config)!;
  assert.deepEqual(loaded.calibration.model, r.calibration.model);
  assert.equal(loaded.roi, undefined);
  console.log(`calibrated: ${JSON.stringify({ ...r.calibration, source: undefined })}; defaults on the same frames: MAE ${r.uncalibrated.mae.toFixed(2)}`);

  // held-out error on the labelled frames is below the defaults' error on them
  assert.ok(r.calibration.residuals.mae < r.uncalibrated.mae, `${r.calibration.residuals.mae} vs ${r.uncalibrated.mae}`);

  // frames the calibration never saw
  const manifest = loadManifest();
  const plate = await buildPlate(video);
  const all = truth.map((t) => t.frame);
  const estimate = async (size: [number, number], thr: number, suppressStatic: boolean, smooth: number, model: typeof r.calibration.model) => {
    const ev = await collectEvidence({ video, frames: all, inputSize: size, manifest, plate, cacheDir });
    const raw = ev.map((e) => predictCount(model, evidenceFeatures(e, headsInRoi(e, undefined, video.width, video.height), thr, suppressStatic)));
    return smoothSeries(ev.map((e) => e.frame / video.fps), raw, smooth);
  };
  const c = r.calibration;
  const calibrated = await estimate(c.inputSize, c.scoreThreshold, c.suppressStatic, c.smoothSeconds, c.model);
  const defaults = await estimate([384, 288], 0.45, false, 0, { features: ["detections"], weights: [1] });
  const unseen = truth.filter((t) => t.frame % 9 !== 4);
  const calErr = errorStats(unseen.map((t) => calibrated[t.frame] - t.count));
  const defErr = errorStats(unseen.map((t) => defaults[t.frame] - t.count));
  console.log(`unseen frames: calibrated MAE ${calErr.mae.toFixed(2)} bias ${calErr.mean.toFixed(2)}; defaults MAE ${defErr.mae.toFixed(2)} bias ${defErr.mean.toFixed(2)}`);
  assert.ok(calErr.mae < 0.75 * defErr.mae, `calibrated MAE ${calErr.mae} vs defaults ${defErr.mae}`);
  assert.ok(Math.abs(calErr.mean) < Math.abs(defErr.mean));
});

test("a second calibration with the same inputs reuses the cached detections and gives the same answer", { timeout: 120_000 }, async () => {
  const files = readdirSync(cacheDir).filter((f) => f.startsWith("evidence-"));
  assert.ok(files.length >= SIZES.length, `cache files: ${files.join(", ")}`);
  const before = new Map(files.map((f) => [f, statSync(join(cacheDir, f)).mtimeMs]));
  const first = JSON.parse(readFileSync(config, "utf8")).calibration;
  const t0 = performance.now();
  const again = await calibrate({ video: CLIP, labels: labelsFile, inputSizes: SIZES, cacheDir });
  const seconds = (performance.now() - t0) / 1000;
  assert.deepEqual({ ...again.calibration, source: undefined, roi: undefined }, { ...first, source: undefined, roi: undefined });
  for (const [f, m] of before) assert.equal(statSync(join(cacheDir, f)).mtimeMs, m, `${f} was rewritten`);
  assert.equal(readdirSync(cacheDir).filter((f) => f.startsWith("evidence-")).length, files.length, "no new detector run");
  console.log(`second calibration: ${seconds.toFixed(1)} s`);
});

test("calibrate rejects too few labelled frames and a camera config that is not JSON, with messages naming the file", async () => {
  const few = join(dir, "few.csv");
  writeFileSync(few, "frame,count\n1,3\n2,4\n");
  await assert.rejects(calibrate({ video: CLIP, labels: few, cacheDir }), (e: Error) => e instanceof UserError && /few\.csv: 2 labelled frame\(s\)/.test(e.message));
  const bad = join(dir, "bad.json");
  writeFileSync(bad, "{ not json");
  assert.throws(() => readCalibration(bad), (e: Error) => e instanceof UserError && /bad\.json: camera config is not valid JSON/.test(e.message));
  assert.equal(readCalibration(join(dir, "labels.csv").replace("labels.csv", "camera.json"))?.calibration.version, 1);
});

test("the counting region is stored relative to the config when beside it, else absolute, and read back loaded", async () => {
  const { writeCalibration } = await import("../loaders/count/config.ts");
  const { encode } = await import("fast-png");
  const { mkdirSync } = await import("node:fs");
  const cam = join(dir, "cams");
  mkdirSync(join(cam, "masks"), { recursive: true });
  writeFileSync(join(cam, "masks", "roi.png"), encode({ width: 2, height: 1, data: Uint8Array.from([255, 0]), channels: 1, depth: 8 }));
  const base = JSON.parse(readFileSync(config, "utf8")).calibration;
  writeCalibration(join(cam, "a.json"), { ...base, roi: join(cam, "masks", "roi.png") });
  assert.equal(JSON.parse(readFileSync(join(cam, "a.json"), "utf8")).calibration.roi, "masks/roi.png");
  const a = readCalibration(join(cam, "a.json"))!;
  assert.equal(a.roiPath, join(cam, "masks", "roi.png"));
  assert.deepEqual(Array.from(a.roi!.inside), [1, 0]);
  mkdirSync(join(dir, "elsewhere"), { recursive: true });
  writeCalibration(join(dir, "elsewhere", "b.json"), { ...base, roi: join(cam, "masks", "roi.png") });
  assert.equal(JSON.parse(readFileSync(join(dir, "elsewhere", "b.json"), "utf8")).calibration.roi, join(cam, "masks", "roi.png"));
});
