// Write ONNX: the plain-object graph -> ModelProto bytes (onnx-proto's generated static code;
// protobufjs 6 underneath).

import onnxProto from "onnx-proto";
import type { onnx as OnnxTypes } from "onnx-proto";
import type { Attr, OnnxGraph, ValueInfo } from "./onnx-ir.ts";
import type { Tensor } from "./tensor.ts";

const { onnx } = onnxProto;

const OPSET = 13;
// IR 7 is what opset 13 shipped with; newer runtimes read it, older ones are not refused.
const IR_VERSION = 7;

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
  } else if (t.dtype === "int8") {
    raw = new Uint8Array(Int8Array.from(t.data).buffer);
    dataType = T.INT8;
  } else {
    raw = Uint8Array.from(t.data);
    dataType = t.dtype === "uint8" ? T.UINT8 : T.BOOL;
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
        ...(v.dims ? { shape: { dim: v.dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } : {}),
      },
    },
  };
}

export function encodeModel(g: OnnxGraph, metadata: Record<string, string>): Uint8Array {
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
