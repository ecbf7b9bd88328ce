// The calibration workflow as a user runs it: smw calibrate on 20 labelled frames of the bundled
// clip (counts from its MOT ground truth, as the Count audit page would save them), into a copy
// of the example camera config; smw analyze --config counts with it; smw report gives the count
// with an interval. Checked against the ground truth on frames the calibration never saw.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { query as rows, smw, tempDir } from "./helpers.ts";

const CLIP = "data/clips/tud-stadtmitte.mp4";
const dir = tempDir("smw-calibrate-cli-");
const config = join(dir, "camera.json");
const labels = join(dir, "labels.csv");

const gt = await readMotFile("data/clips/tud-stadtmitte.gt.txt", { gt: true });
const truth = Array.from({ length: 179 }, (_, f) => gt.filter((r) => r.frame === f).length);
const labelled = new Set(Array.from({ length: 20 }, (_, i) => 4 + 9 * i)); // 0-based frames 4, 13, ..., 175
writeFileSync(labels, ["frame,count", ...[...labelled].map((f) => `${f + 1},${truth[f]}`)].join("\n") + "\n");
writeFileSync(config, readFileSync("data/camera.example.json"));

test("smw calibrate -> analyze --config -> report: calibrated counts beat the defaults on unseen frames, with an interval", { timeout: 600_000 }, async () => {
  const cal = smw(["calibrate", "--video", CLIP, "--counts", labels, "--config", config, "--input-sizes", "384x288,512x384"]);
  assert.equal(cal.code, 0, cal.stderr);
  assert.match(cal.stdout, /calibrated on 20 labelled frames/);
  assert.doesNotMatch(cal.stdout, /note: the labelled frames span/, "frames spread over the clip need no warning");
  const stored = JSON.parse(readFileSync(config, "utf8"));
  assert.equal(stored.camera, "tud-stadtmitte", "the rest of the camera config is kept");
  assert.equal(stored.zones.length, 2);
  assert.equal(stored.calibration.residuals.n, 20);

  const calibrated = join(dir, "calibrated");
  const plain = join(dir, "plain");
  for (const [out, args] of [[calibrated, ["--config", config]], [plain, []]] as const) {
    const r = smw(["analyze", CLIP, "--out", out, "--quiet", ...args]);
    assert.equal(r.code, 0, r.stderr);
  }
  const run = JSON.parse(readFileSync(join(calibrated, "run.json"), "utf8"));
  assert.equal(run.counting.calibrated, true);
  assert.deepEqual(run.model.inputSize, stored.calibration.inputSize, "the calibration's input size is the analysis size");
  assert.equal(run.thresholds.count, stored.calibration.scoreThreshold);
  assert.equal(run.thresholds.detect, stored.calibration.scoreThreshold, "tracking uses the calibrated threshold too: tracks and counts see the same people");
  assert.equal(run.thresholds.keep, stored.calibration.scoreThreshold, "detections.parquet keeps the boxes both use");

  const unseen = (dirName: string) => rows(`SELECT frame, estimate FROM '${join(dirName, "counts.parquet")}' ORDER BY frame`).then((r) => {
    const errors = r.filter((x) => !labelled.has(x.frame as number)).map((x) => (x.estimate as number) - truth[x.frame as number]);
    return { mae: errors.reduce((a, e) => a + Math.abs(e), 0) / errors.length, bias: errors.reduce((a, e) => a + e, 0) / errors.length, n: errors.length };
  });
  const c = await unseen(calibrated), p = await unseen(plain);
  console.log(`159 unseen frames: calibrated MAE ${c.mae.toFixed(2)} bias ${c.bias.toFixed(2)}; uncalibrated MAE ${p.mae.toFixed(2)} bias ${p.bias.toFixed(2)}`);
  assert.equal(c.n, 159);
  assert.ok(c.mae < 0.6 * p.mae, `calibrated MAE ${c.mae} vs ${p.mae}`);
  assert.ok(Math.abs(c.bias) < 0.5, `calibrated bias ${c.bias}`);

  // smw report: the count of a window with its 90% interval, which holds the truth here
  const rep = smw(["report", calibrated, "--json"]);
  assert.equal(rep.code, 0, rep.stderr);
  const h = JSON.parse(rep.stdout);
  const truthMean = truth.reduce((a, v) => a + v, 0) / truth.length;
  const m = h.counted.meanInView;
  console.log(`report: counted ${m.value.toFixed(2)} (90%: ${m.lo.toFixed(2)}-${m.hi.toFixed(2)}), truth ${truthMean.toFixed(2)}`);
  assert.equal(h.counted.calibrated, true);
  assert.ok(m.lo <= truthMean && truthMean <= m.hi, "interval holds the truth");
  assert.ok(m.hi - m.lo < 0.5 * truthMean, "and says something");
  const text = smw(["report", calibrated, "--from-seconds", "2", "--to-seconds", "5"]).stdout;
  assert.match(text, /People counted\s+mean \d+\.\d in view \(90%: \d+\.\d–\d+\.\d\)/);
  const plainText = smw(["report", plain]).stdout;
  assert.match(plainText, /People counted\s+mean \d+\.\d in view, .*uncalibrated: no interval/);
});

test("labelled frames from one short stretch of the clip get a warning that counts elsewhere may be off", () => {
  const early = join(dir, "early.csv");
  writeFileSync(early, ["frame,count", ...[4, 13, 22, 31, 40].map((f) => `${f + 1},${truth[f]}`)].join("\n") + "\n");
  const r = smw(["calibrate", "--video", CLIP, "--counts", early, "--config", join(dir, "early.json"), "--input-sizes", "384x288"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /note: the labelled frames span 21% of the clip/);
});

test("calibrate and analyze refuse bad calibration input with one line naming the file", () => {
  const missing = smw(["calibrate", "--video", CLIP, "--counts", join(dir, "nope.csv"), "--config", join(dir, "x.json")]);
  assert.equal(missing.code, 2);
  assert.equal(missing.stderr.trim().split("\n").length, 1, missing.stderr);
  assert.match(missing.stderr, /nope\.csv: no such file/);

  const sizes = smw(["calibrate", "--video", CLIP, "--counts", labels, "--input-sizes", "384x288,big"]);
  assert.equal(sizes.code, 2);
  assert.match(sizes.stderr, /--input-sizes: "big" must look like 384x288/);

  const broken = join(dir, "broken.json");
  const c = JSON.parse(readFileSync("data/camera.example.json", "utf8"));
  c.calibration = { version: 1, inputSize: [384, 288], scoreThreshold: 1.5 };
  writeFileSync(broken, JSON.stringify(c));
  const r = smw(["analyze", CLIP, "--out", join(dir, "never"), "--config", broken]);
  assert.equal(r.code, 2);
  assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  assert.match(r.stderr, /broken\.json: calibration\.scoreThreshold/);
});
