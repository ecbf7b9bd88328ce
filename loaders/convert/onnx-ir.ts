// The ONNX graph as plain objects: lowering builds it, the passes rewrite it, quantisation
// annotates it, write-onnx encodes it to protobuf only at the end.

import type { Tensor } from "./tensor.ts";

export type Attr =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "string"; value: string }
  | { kind: "ints"; value: number[] };

export const int = (value: number): Attr => ({ kind: "int", value });
export const float = (value: number): Attr => ({ kind: "float", value });
export const str = (value: string): Attr => ({ kind: "string", value });
export const ints = (value: number[]): Attr => ({ kind: "ints", value });

export interface OnnxNode {
  name: string;
  op: string;
  inputs: string[];
  outputs: string[];
  attrs: Record<string, Attr>;
}

export interface ValueInfo {
  name: string;
  /** number = fixed, string = symbolic dim_param; absent = shape left to the runtime. */
  dims?: (number | string)[];
}

export interface OnnxGraph {
  nodes: OnnxNode[];
  inits: Map<string, Tensor>;
  inputs: ValueInfo[];
  outputs: ValueInfo[];
}

export const NHWC_TO_NCHW = [0, 3, 1, 2];
export const NCHW_TO_NHWC = [0, 2, 3, 1];
