// Parse the tfjs graph: model.json + weight shards -> a topologically sorted TF graph whose
// constant-only subgraphs are folded into tensors.

import { type DType, type Tensor, broadcastBinary, makeTensor, resolveReshape, sizeOf, stridesOf, transposeTensor } from "./tensor.ts";

// ---------------------------------------------------------------------------------------
// model.json and weights

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
export interface TfjsTensorInfo {
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
export interface TfNode {
  name: string;
  op: string;
  inputs: string[];
  attr: Record<string, TfjsAttr>;
}

export interface TfGraph {
  nodes: TfNode[];
  consts: Map<string, Tensor>;
  input: { ref: string; shape: number[] };
  outputs: string[];
}

function tensorRef(input: string): string {
  return /:\d+$/.test(input) ? input : `${input}:0`;
}

export const nodeOf = (ref: string): string => ref.slice(0, ref.lastIndexOf(":"));

export const attrInts = (a: TfjsAttr | undefined): number[] => (a?.list?.i ?? []).map(Number);
export const attrString = (a: TfjsAttr | undefined): string =>
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

export function parseTfGraph(model: TfjsModelJson, weights: Map<string, Tensor>): TfGraph {
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

export function foldTfConstants(graph: TfGraph): TfGraph {
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
