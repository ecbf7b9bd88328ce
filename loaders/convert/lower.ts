// Lower TF ops to ONNX nodes. NHWC ops are wrapped in transposes, which passes.ts cancels.

import { type Attr, type OnnxNode, NCHW_TO_NHWC, NHWC_TO_NCHW, float, int, ints, str } from "./onnx-ir.ts";
import { type ShapeMap, type Window, convWindow, isNchw, poolWindow } from "./shapes.ts";
import { type Tensor, floatScalar, int64s, makeTensor, resolveSplit, transposeTensor } from "./tensor.ts";
import { type TfGraph, type TfNode, attrString } from "./tfjs-graph.ts";

/** TF ops -> ONNX nodes. Keeps TF tensor names so the graph stays traceable to model.json. */
export class Lowering {
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

export function lowerNode(node: TfNode, lo: Lowering): void {
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
