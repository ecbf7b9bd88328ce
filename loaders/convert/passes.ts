// Graph passes (each returns true when it changed something; optimise runs them to a fixed point):
// cancel the layout transposes lowering introduced, fold bias and pads into Conv, drop the rest.

import { type OnnxGraph, type OnnxNode, ints } from "./onnx-ir.ts";
import { makeTensor, sizeOf, transposeTensor } from "./tensor.ts";

export function consumersOf(g: OnnxGraph): Map<string, OnnxNode[]> {
  const map = new Map<string, OnnxNode[]>();
  for (const n of g.nodes) {
    for (const i of n.inputs) {
      if (!map.has(i)) map.set(i, []);
      map.get(i)!.push(n);
    }
  }
  return map;
}

export function producersOf(g: OnnxGraph): Map<string, OnnxNode> {
  return new Map(g.nodes.flatMap((n) => n.outputs.map((o) => [o, n] as [string, OnnxNode])));
}

export const isGraphOutput = (g: OnnxGraph, name: string): boolean => g.outputs.some((o) => o.name === name);

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

export function topoSort(nodes: OnnxNode[]): OnnxNode[] {
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

export function optimise(g: OnnxGraph): void {
  const passes = [removeIdentities, cancelTransposes, pushTransposesDown, foldConvBias, foldPads, removeDeadCode];
  for (let round = 0; round < 10_000; round++) {
    if (!passes.map((p) => p(g)).some(Boolean)) {
      g.nodes = topoSort(g.nodes);
      return;
    }
  }
  throw new Error("graph passes did not converge");
}
