// `npm run bench:detector`: the bundled detector in float and int8 side by side. Speed (ms per
// frame, detect() whole: tensor fill, inference, decoding, NMS) at 384x288 and 768x576 on the
// bundled clips' frames, the models run in turn on every frame in one process so a busy
// machine slows both alike; precision/recall against the clips' MOT ground truth (IoU 0.5, score
// >= 0.45); agreement of each model's boxes with the first model's; and, when the mall clip is
// there (../shared/footage/mall, read in place, never copied), people-count error per frame at
// the defaults and calibrated for that model on 20 spread frames (as `npm run bench:count`).
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { calibrate } from "../loaders/count/calibrate.ts";
import { buildPlate, collectEvidence } from "../loaders/count/evidence-cache.ts";
import { formatLabelsCsv, readLabels } from "../loaders/count/labels.ts";
import { errorStats, predictCount, smoothSeries, type CountCalibration } from "../loaders/count/model.ts";
import { loadRoiMask } from "../loaders/count/roi.ts";
import { evidenceFeatures, headsInRoi } from "../loaders/count/sweep.ts";
import { Detector, DETECTOR_DEFAULTS } from "../loaders/detect/detector.ts";
import { chooseInputSize, loadManifest, modelFile, type ModelManifest } from "../loaders/detect/manifest.ts";
import { chooseSession, describeThreads, probeSessions, type SessionChoice } from "../loaders/detect/session-options.ts";
import { availableParallelism } from "node:os";
import { addCounts, type DetectionCounts, matchFrame, precisionRecall } from "../loaders/eval/detection-metrics.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { FrameStream } from "../loaders/video/frames.ts";
import { probeVideo } from "../loaders/video/probe.ts";
import type { Detections } from "../loaders/types.ts";

const ROOT = join(import.meta.dirname, "..");
const MALL = join(ROOT, "..", "shared", "footage", "mall");
const say = (m: string) => process.stderr.write(`bench:detector: ${m}\n`);
const models = (process.env.BENCH_MODELS ?? "models/nanodet.json,models/nanodet-int8.json")
  .split(",").map((p) => join(ROOT, p)).filter(existsSync).map((p) => loadManifest(p));
const sizes: [number, number][] = [[384, 288], [768, 576]];
const clips = ["tud-stadtmitte", "tud-campus"].map((c) => join(ROOT, "data", "clips", `${c}.mp4`));

interface Tally {
  times: number[];
  vsTruth: DetectionCounts;
  vsFirst: DetectionCounts;
}
const zero = (): DetectionCounts => ({ tp: 0, fp: 0, fn: 0 });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

/** Every model on every frame of the bundled clips at one input size, in turn (the order alternates per frame). */
async function runSize(size: [number, number]): Promise<Tally[]> {
  const detectors = await Promise.all(models.map((m) => Detector.load(m, { inputSize: size })));
  const tallies: Tally[] = models.map(() => ({ times: [], vsTruth: zero(), vsFirst: zero() }));
  for (const clip of clips) {
    const video = await probeVideo(clip);
    const gt = await readMotFile(clip.replace(/\.mp4$/, ".gt.txt"), { gt: true });
    for await (const frame of new FrameStream(clip, { width: size[0], height: size[1] })) {
      const truth = gt.filter((r) => r.frame === frame.frame);
      const truthBoxes = { boxes: truth.flatMap((r) => [r.x1, r.y1, r.x2, r.y2]), count: truth.length };
      const dets: Detections[] = new Array(models.length);
      const order = models.map((_, i) => i);
      if (frame.frame % 2) order.reverse();
      for (const i of order) {
        const t0 = performance.now();
        dets[i] = await detectors[i].detect(frame.data, "BGR", video.width, video.height);
        tallies[i].times.push(performance.now() - t0);
      }
      dets.forEach((d, i) => {
        tallies[i].vsTruth = addCounts(tallies[i].vsTruth, matchFrame(truthBoxes, d));
        tallies[i].vsFirst = addCounts(tallies[i].vsFirst, matchFrame(dets[0], d));
      });
    }
  }
  return tallies;
}

/**
 * Mall people counts for one model: MAE and bias per frame at the defaults (all frames),
 * calibrated for this model on 20 spread frames (the other 780), and with the first model's
 * calibration (a camera calibrated before the model changed).
 */
async function mallCounts(manifest: ModelManifest, first?: CountCalibration): Promise<{ row: string[]; calibration: CountCalibration }> {
  const path = join(MALL, "mall_dev.mp4");
  const video = await probeVideo(path);
  const roi = loadRoiMask(join(MALL, "roi_mask.png"));
  const truth = readLabels(join(MALL, "counts_dev.csv"));
  const truthBy = new Map(truth.map((l) => [l.frame, l.count]));
  const step = Math.ceil(truth.length / 20);
  const spread = truth.filter((_, i) => i % step === Math.floor(step / 2));
  const labels = join(mkdtempSync(join(tmpdir(), "smw-bench-detector-")), "spread.csv");
  writeFileSync(labels, formatLabelsCsv(spread));
  say(`${manifest.name}: calibrating on the mall clip's 20 spread frames`);
  const cal = await calibrate({ video: path, labels, roi: join(MALL, "roi_mask.png"), model: manifest.path });
  const plate = await buildPlate(video);
  const frames = truth.map((l) => l.frame);
  const errorsAt = async (c: Pick<CountCalibration, "inputSize" | "scoreThreshold" | "suppressStatic" | "smoothSeconds" | "model">, test: number[]) => {
    say(`${manifest.name}: detector at ${c.inputSize.join("x")} on ${frames.length} mall frames (cached after the first run)`);
    const ev = new Map((await collectEvidence({ video, frames, inputSize: c.inputSize, manifest, plate, roi })).map((e) => [e.frame, e]));
    const raw = frames.map((f) => predictCount(c.model, evidenceFeatures(ev.get(f)!, headsInRoi(ev.get(f)!, roi, video.width, video.height), c.scoreThreshold, c.suppressStatic)));
    const smoothed = smoothSeries(frames.map((f) => f / video.fps), raw, c.smoothSeconds);
    const est = new Map(frames.map((f, i) => [f, smoothed[i]]));
    return errorStats(test.map((f) => est.get(f)! - truthBy.get(f)!));
  };
  const identity = { features: ["detections" as const], weights: [1] };
  const def = await errorsAt({ inputSize: chooseInputSize(manifest, video.width, video.height), scoreThreshold: DETECTOR_DEFAULTS.scoreThreshold, suppressStatic: false, smoothSeconds: 0, model: identity }, frames);
  const test = frames.filter((f) => !spread.some((l) => l.frame === f));
  const held = await errorsAt(cal.calibration, test);
  const kept = first ? await errorsAt(first, test) : held;
  const meanCount = truth.reduce((s, l) => s + l.count, 0) / truth.length;
  const c = cal.calibration;
  const fmt = (s: { mae: number; mean: number }) => `${s.mae.toFixed(2)} (${pct(s.mae / meanCount)}), bias ${s.mean >= 0 ? "+" : ""}${s.mean.toFixed(2)}`;
  const setting = `${c.inputSize.join("x")}, score >= ${c.scoreThreshold}, ${c.model.weights.map((w) => w.toFixed(2)).join("/")} x ${c.model.features.join("+")}`;
  return { row: [manifest.name, fmt(def), fmt(held), setting, fmt(kept)], calibration: c };
}

function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const r of rows) console.log(r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  "));
}

say(`models: ${models.map((m) => m.name).join(", ")}; ${describeThreads()}`);
const rows: string[][] = [["model", "input", "ms/frame (median)", "precision", "recall", `boxes agreeing with ${models[0].name}`]];
for (const size of sizes) {
  say(`${size.join("x")}: ${clips.length} clips, every frame, models in turn`);
  const tallies = await runSize(size);
  tallies.forEach((t, i) => {
    const { precision, recall } = precisionRecall(t.vsTruth);
    const a = t.vsFirst;
    rows.push([models[i].name, size.join("x"), median(t.times).toFixed(1), precision.toFixed(3), recall.toFixed(3), pct((2 * a.tp) / Math.max(1, 2 * a.tp + a.fp + a.fn))]);
  });
}
console.log(`\nBundled clips (TUD-Stadtmitte + TUD-Campus, ${clips.length} clips, every frame; IoU 0.5, score >= ${DETECTOR_DEFAULTS.scoreThreshold}); ${describeThreads()}\n`);
printTable(rows);

// How onnxruntime should run on this machine: thread counts up to the cores, spinning, optimisation level.
if (process.env.BENCH_PROBE !== "0") {
  const cores = availableParallelism();
  const def = chooseSession();
  const choice = (threads: number, spinning: boolean, optimisation: SessionChoice["optimisation"]): SessionChoice => ({ threads, spinning, optimisation, why: "probe" });
  const choices = [
    ...[...new Set([1, 2, 4, cores])].filter((n) => n <= cores).map((n) => choice(n, false, "all")),
    choice(def.threads, true, "all"),
    choice(def.threads, false, "extended"),
    choice(def.threads, false, "basic"),
  ];
  const probe: string[][] = [["model", "input", ...choices.map((c) => `${c.threads}t${c.spinning ? " spin" : ""} ${c.optimisation}`)]];
  for (const m of models) {
    for (const size of sizes) {
      say(`probe: ${m.name} at ${size.join("x")}, ${choices.length} ways in turn`);
      const r = await probeSessions(modelFile(m, size), m.input.name, size, choices);
      probe.push([m.name, size.join("x"), ...r.map((x) => `${x.median.toFixed(1)} (${x.q1.toFixed(1)}-${x.q3.toFixed(1)})`)]);
    }
  }
  console.log(`\nsession.run ms, median (quartiles) of 20 runs taken in turn, ${cores} cores; the default here: ${describeThreads(def)}\n`);
  printTable(probe);
}

if (process.env.BENCH_MALL === "0") {
  console.log("\nBENCH_MALL=0: mall count error not measured");
} else if (existsSync(join(MALL, "mall_dev.mp4"))) {
  const mall: string[][] = [["model", "MAE per frame, defaults (share of mean count)", "MAE calibrated on 20 spread frames, other 780", "its calibration", `MAE with ${models[0].name}'s calibration`]];
  let first: CountCalibration | undefined;
  for (const m of models) {
    const { row, calibration } = await mallCounts(m, first);
    first ??= calibration;
    mall.push(row);
  }
  console.log(`\nMall clip (${MALL}): people counted in the region per frame against the ground truth\n`);
  printTable(mall);
} else {
  console.log(`\nno mall footage at ${MALL}: count error not measured`);
}
