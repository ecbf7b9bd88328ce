// The run contract (loaders/run): one naming for the four thresholds, in code and in run.json, and
// run.json files written before it read back in the current shape.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { frameSeconds } from "../loaders/run/contract.ts";
import { readRun, upgradeRun } from "../loaders/run/read.ts";
import { runThresholds } from "../loaders/run/thresholds.ts";
import { UserError } from "../loaders/errors.ts";
import { tempDir } from "./helpers.ts";

test("thresholds: tracking at detect, ByteTrack decoding down to its floor, counts at the calibration's, the table keeping either", () => {
  assert.deepEqual(runThresholds({ detect: 0.45, tracker: "bytetrack" }), { detect: 0.45, decodeFloor: 0.2, count: 0.45, keep: 0.45 });
  assert.deepEqual(runThresholds({ detect: 0.45, count: 0.3, tracker: "bytetrack" }), { detect: 0.45, decodeFloor: 0.2, count: 0.3, keep: 0.3 });
  assert.deepEqual(runThresholds({ detect: 0.45, count: 0.6, tracker: "centroid" }), { detect: 0.45, decodeFloor: 0.45, count: 0.6, keep: 0.45 });
  assert.deepEqual(runThresholds({ detect: 0.05, tracker: "bytetrack" }), { detect: 0.05, decodeFloor: 0.05, count: 0.05, keep: 0.05 });
});

// the shape smw analyze wrote before the contract named the thresholds (model and counting scoreThreshold)
const older = {
  version: 1,
  video: { path: "clip.mp4", width: 640, height: 480, fps: 25, frameCount: 179, duration: 7.16, codec: "mpeg4" },
  model: { name: "nanodet-m", inputSize: [384, 288], scoreThreshold: 0.45, iouThreshold: 0.5, classes: ["person"] },
  options: { stride: 2, tracker: "bytetrack" },
  counting: { calibrated: true, scoreThreshold: 0.3 },
};

test("an older run.json reads back with the thresholds its writer used, and the frames it analysed", () => {
  const run = upgradeRun(older as never);
  assert.deepEqual(run.thresholds, { detect: 0.45, decodeFloor: 0.2, count: 0.3, keep: 0.3 });
  assert.equal(run.framesAnalysed, 90);
  assert.equal(frameSeconds(run), 2 / 25);
  const { options: _, ...noOptions } = older;
  assert.equal(frameSeconds(upgradeRun(noOptions as never)), 1 / 25, "no options: every frame");
});

test("readRun: a folder without run.json, or with a broken one, is bad input naming it", () => {
  const dir = tempDir();
  assert.throws(() => readRun(dir), (e: Error) => e instanceof UserError && e.message.startsWith(`${dir}: no run.json there; run \`smw analyze VIDEO --out ${dir}\` first`));
  writeFileSync(join(dir, "run.json"), "{ not json");
  assert.throws(() => readRun(dir), (e: Error) => e instanceof UserError && /run\.json: not valid JSON/.test(e.message));
  const ok = join(dir, "ok");
  mkdirSync(ok);
  writeFileSync(join(ok, "run.json"), JSON.stringify(older));
  assert.equal(readRun(ok).thresholds.count, 0.3);
  assert.throws(() => readRun(ok, { tracks: true }), /no tracks\.parquet there/);
});
