// Infer shapes at two input sizes.
//
// The tfjs graph bakes its export size (416x416) into ResizeBilinear sizes and reshape
// targets. Inferring every shape at the reference size and again at a "probe" size tells us
// which dims follow the input: those become Resize scales, -1 in Reshape, symbolic dims.

import { type Tensor, broadcastShapes, resolveReshape, resolveSplit, sizeOf } from "./tensor.ts";
import { type TfGraph, type TfNode, attrInts, attrString } from "./tfjs-graph.ts";

export type ShapeMap = Map<string, number[]>;

export interface Window {
  kernel: [number, number];
  strides: [number, number];
  dilations: [number, number];
  /** [top, left, bottom, right] when explicit; undefined for SAME. */
  pads?: [number, number, number, number];
}

export function windowOf(node: TfNode, kernel: [number, number], nchw: boolean): Window {
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

export const isNchw = (node: TfNode): boolean => attrString(node.attr.data_format) === "NCHW";

/** Spatial axes (H, W) of a rank-4 tensor in the node's data format. */
export const spatialAxes = (node: TfNode): [number, number] => (isNchw(node) ? [2, 3] : [1, 2]);

export function convWindow(node: TfNode, filter: Tensor): Window {
  return windowOf(node, [filter.shape[0], filter.shape[1]], isNchw(node));
}

export function poolWindow(node: TfNode): Window {
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
export function inferShapes(graph: TfGraph, inputShape: number[], ref?: ShapeMap): ShapeMap {
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
