// Static int8 quantisation in QDQ form: QuantizeLinear/DequantizeLinear pairs around the float
// ops, int8 per-channel Conv weights, int32 biases. The graph stays a float graph a reader can
// follow; onnxruntime's CPU provider fuses DQ -> Conv -> Q into QLinearConv (likewise
// LeakyRelu, Add, Concat; MaxPool and Resize run on uint8 when their in and out share
// parameters), which is where the speed comes from.
//
// Activations: uint8, one scale per tensor, zero point where the calibrated range puts 0.
// Weights: int8 symmetric per output channel (zero point 0), as onnxruntime's u8s8 kernels want.

import { type OnnxGraph, type OnnxNode, int } from "./onnx-ir.ts";
import { consumersOf, topoSort } from "./passes.ts";
import { type Tensor, makeTensor } from "./tensor.ts";

export interface Range {
  min: number;
  max: number;
}

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** Ops whose inputs and outputs go through uint8 (everything else keeps float tensors). */
const QUANTISED_OPS = new Set(["Conv", "LeakyRelu", "Add", "Concat", "MaxPool", "Resize"]);
/** Ops that only move values: their output reuses the input's parameters, so no requantisation. */
const SAME_PARAMS_OPS = new Set(["MaxPool", "Resize"]);

/**
 * A range rounded outward to 7 significant bits: calibration runs the float model on whatever
 * CPU converts, and the last bits of its activations differ between instruction sets; rounding
 * keeps the committed bytes the same on every machine for a loss below 1% of the range.
 */
export function roundRange(r: Range): Range {
  const step = (v: number): number => (v === 0 ? 1 : 2 ** (Math.floor(Math.log2(Math.abs(v))) - 6));
  return { min: Math.floor(r.min / step(r.min)) * step(r.min), max: Math.ceil(r.max / step(r.max)) * step(r.max) };
}

/** uint8 affine parameters covering the range and 0 (zero padding must be exact). */
export function uint8Params(r: Range): QuantParams {
  const lo = Math.min(0, r.min);
  const hi = Math.max(0, r.max);
  const scale = Math.fround(hi > lo ? (hi - lo) / 255 : 1);
  const zeroPoint = Math.min(255, Math.max(0, Math.round(-lo / scale)));
  return { scale, zeroPoint };
}

/** Per-output-channel symmetric int8 for OIHW weights: the largest magnitude maps to 127. */
export function quantiseWeights(w: Tensor): { values: Tensor; scales: Tensor } {
  const channels = w.shape[0];
  const per = w.data.length / channels;
  const scales = new Float32Array(channels);
  const values = new Int32Array(w.data.length);
  for (let o = 0; o < channels; o++) {
    let m = 0;
    for (let i = o * per; i < (o + 1) * per; i++) m = Math.max(m, Math.abs(w.data[i]));
    scales[o] = m > 0 ? m / 127 : 1;
    for (let i = o * per; i < (o + 1) * per; i++) values[i] = Math.max(-127, Math.min(127, Math.round(w.data[i] / scales[o])));
  }
  return { values: { dtype: "int8", shape: [...w.shape], data: values }, scales: { dtype: "float32", shape: [channels], data: scales } };
}

/** Bias in int32 at scale input_scale x weight_scale[o], the accumulator's own scale. */
export function quantiseBias(b: Tensor, inputScale: number, weightScales: Tensor): { values: Tensor; scales: Tensor } {
  const scales = Float32Array.from(weightScales.data, (s) => inputScale * s);
  const values = Int32Array.from(b.data, (v, o) => Math.round(v / scales[o]));
  return { values: { dtype: "int32", shape: [...b.shape], data: values }, scales: { dtype: "float32", shape: [...b.shape], data: scales } };
}

export interface QuantiseOptions {
  /** Calibrated float range of every activation tensor a quantised op reads or writes. */
  ranges: Map<string, Range>;
  /** Node names kept in float (e.g. the detection heads, whose outputs leave the model). */
  keepFloat?: Set<string>;
}

/**
 * Convs whose outputs only feed float ops (NanoDet: the three head convs before Split/Sigmoid).
 * Quantising their outputs cost 1.7 points of precision on the bundled clips for 3% of the time.
 */
export function floatHeads(g: OnnxGraph): Set<string> {
  const consumers = consumersOf(g);
  return new Set(g.nodes.filter((n) => {
    const users = consumers.get(n.outputs[0]) ?? [];
    return n.op === "Conv" && users.length > 0 && users.every((u) => !QUANTISED_OPS.has(u.op));
  }).map((n) => n.name));
}

/** Activation tensors that get a Q/DQ pair: everything a quantised op reads or writes, bar weights. */
export function quantisedTensors(g: OnnxGraph, keepFloat: Set<string> = new Set()): string[] {
  const out = new Set<string>();
  for (const n of g.nodes) {
    if (!QUANTISED_OPS.has(n.op) || keepFloat.has(n.name)) continue;
    const data = n.op === "Conv" ? [n.inputs[0]] : n.op === "Resize" ? [n.inputs[0]] : n.inputs;
    for (const t of [...data, ...n.outputs]) if (t && !g.inits.has(t)) out.add(t);
  }
  return [...out];
}

/** QDQ copy of a float graph; the float graph is left as it was. */
export function quantiseGraph(float: OnnxGraph, opts: QuantiseOptions): OnnxGraph {
  const keep = opts.keepFloat ?? new Set<string>();
  const inits = new Map(float.inits);
  const nodes: OnnxNode[] = float.nodes.map((n) => ({ ...n, inputs: [...n.inputs], outputs: [...n.outputs], attrs: { ...n.attrs } }));
  const params = activationParams(nodes, opts.ranges, keep, float);
  const dq = new Map<string, string>();
  const qdq: OnnxNode[] = [];
  for (const [t, p] of params) {
    inits.set(`${t}/scale`, makeTensor("float32", [], [p.scale]));
    inits.set(`${t}/zero_point`, makeTensor("uint8", [], [p.zeroPoint]));
    const pair = [`${t}/scale`, `${t}/zero_point`];
    qdq.push({ name: `${t}/QuantizeLinear`, op: "QuantizeLinear", inputs: [t, ...pair], outputs: [`${t}/q`], attrs: {} });
    qdq.push({ name: `${t}/DequantizeLinear`, op: "DequantizeLinear", inputs: [`${t}/q`, ...pair], outputs: [`${t}/dq`], attrs: {} });
    dq.set(t, `${t}/dq`);
  }
  for (const n of nodes) {
    const input = params.get(n.inputs[0]);
    n.inputs = n.inputs.map((i) => dq.get(i) ?? i);
    if (n.op === "Conv" && !keep.has(n.name)) qdq.push(...quantiseConvWeights(n, inits, input!));
  }
  return { ...float, nodes: topoSort([...nodes, ...qdq]), inits };
}

/** Parameters per quantised tensor; MaxPool/Resize outputs take their input's so they stay uint8. */
function activationParams(nodes: OnnxNode[], ranges: Map<string, Range>, keep: Set<string>, g: OnnxGraph): Map<string, QuantParams> {
  const params = new Map<string, QuantParams>();
  const tensors = quantisedTensors(g, keep);
  const of = (t: string): QuantParams => {
    const r = ranges.get(t);
    if (!r) throw new Error(`no calibrated range for ${t}`);
    return uint8Params(roundRange(r));
  };
  for (const t of tensors) params.set(t, of(t));
  // In topological order, so a chain of data-movement ops inherits from its start.
  for (const n of nodes) {
    if (SAME_PARAMS_OPS.has(n.op) && !keep.has(n.name) && params.has(n.inputs[0])) params.set(n.outputs[0], params.get(n.inputs[0])!);
  }
  return params;
}

/** int8 weights and int32 bias behind DequantizeLinear nodes (per output channel, axis 0). */
function quantiseConvWeights(conv: OnnxNode, inits: Map<string, Tensor>, input: QuantParams): OnnxNode[] {
  const [x, wName, bName] = conv.inputs;
  const w = quantiseWeights(inits.get(wName)!);
  const added: OnnxNode[] = [];
  const dequantise = (name: string, values: Tensor, scales: Tensor): string => {
    inits.set(`${name}/quantised`, values);
    inits.set(`${name}/scale`, scales);
    inits.set(`${name}/zero_point`, { dtype: values.dtype, shape: [...scales.shape], data: new Int32Array(scales.data.length) });
    added.push({
      name: `${name}/DequantizeLinear`,
      op: "DequantizeLinear",
      inputs: [`${name}/quantised`, `${name}/scale`, `${name}/zero_point`],
      outputs: [`${name}/dq`],
      attrs: { axis: int(0) },
    });
    inits.delete(name);
    return `${name}/dq`;
  };
  const inputs = [x, dequantise(wName, w.values, w.scales)];
  if (bName) {
    const b = quantiseBias(inits.get(bName)!, input.scale, w.scales);
    inputs.push(dequantise(bName, b.values, b.scales));
  }
  conv.inputs = inputs;
  return added;
}
