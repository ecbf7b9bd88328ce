// Dense host tensors and the little numpy arithmetic the converter needs to fold constants
// and rearrange weights. Pure functions; nothing here knows about TF or ONNX.

export type DType = "float32" | "int32" | "int64" | "bool" | "int8" | "uint8";

/** Dense host tensor. Integers share Int32Array: every integer we meet is a shape, an axis, an
 *  index or a quantised value, far below 2^31; the writer narrows int8/uint8 to one byte. */
export interface Tensor {
  dtype: DType;
  shape: number[];
  data: Float32Array | Int32Array;
}

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

export function makeTensor(dtype: DType, shape: number[], values: ArrayLike<number>): Tensor {
  const data = dtype === "float32" ? Float32Array.from(values) : Int32Array.from(values);
  if (data.length !== sizeOf(shape)) throw new Error(`tensor data ${data.length} != shape [${shape}]`);
  return { dtype, shape, data };
}

export const int64s = (values: number[]): Tensor => makeTensor("int64", [values.length], values);
export const floatScalar = (v: number): Tensor => makeTensor("float32", [], [v]);

export function stridesOf(shape: readonly number[]): number[] {
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

export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] {
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
export function broadcastBinary(a: Tensor, b: Tensor, f: (x: number, y: number) => number): Tensor {
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
export function resolveReshape(target: readonly number[], count: number): number[] {
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = target.map((d) => (d === -1 ? count / known : d));
  if (sizeOf(out) !== count || out.some((d) => !Number.isInteger(d))) {
    throw new Error(`cannot reshape ${count} elements to [${target}]`);
  }
  return out;
}

/** SplitV sizes may hold one -1: the remainder of the axis. */
export function resolveSplit(sizes: readonly number[], total: number): number[] {
  const known = sizes.filter((d) => d !== -1).reduce((a, b) => a + b, 0);
  const out = sizes.map((d) => (d === -1 ? total - known : d));
  if (out.reduce((a, b) => a + b, 0) !== total) throw new Error(`cannot split ${total} into [${sizes}]`);
  return out;
}
