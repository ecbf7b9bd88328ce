// A compact columnar container for the pages' big arrays (track points, paths, events): one
// file, one fetch, zero-copy typed-array views in the browser (src/components/binary.js reads it).
//
// Layout: "SMWB" | uint32 LE header length | JSON header | padding to 8 | columns, each at an
// 8-byte-aligned offset. The header holds the caller's metadata plus `columns`: [{name, type,
// length, offset}] (offset from the start of the file).
export type Column = Float32Array | Float64Array | Int8Array | Uint8Array | Uint16Array | Int32Array | Uint32Array;

const TYPES = new Map<Function, string>([
  [Float32Array, "float32"],
  [Float64Array, "float64"],
  [Int8Array, "int8"],
  [Uint8Array, "uint8"],
  [Uint16Array, "uint16"],
  [Int32Array, "int32"],
  [Uint32Array, "uint32"],
]);

const align8 = (n: number) => Math.ceil(n / 8) * 8;

export function packColumns(meta: Record<string, unknown>, columns: Record<string, Column>): Uint8Array {
  const entries = Object.entries(columns);
  // The header's size depends on the offsets it lists: lay out with a generous guess, then fix.
  let start = 0;
  let header = "";
  for (let guess = 1024; ; guess *= 2) {
    let offset = align8(8 + guess);
    const layout = entries.map(([name, data]) => {
      const type = TYPES.get(data.constructor);
      if (!type) throw new Error(`column ${name}: unsupported array type`);
      const at = offset;
      offset = align8(offset + data.byteLength);
      return { name, type, length: data.length, offset: at };
    });
    header = JSON.stringify({ ...meta, columns: layout });
    const bytes = Buffer.byteLength(header);
    if (align8(8 + bytes) <= align8(8 + guess)) {
      start = offset;
      break;
    }
  }
  const out = new Uint8Array(start);
  const view = new DataView(out.buffer);
  out.set([0x53, 0x4d, 0x57, 0x42], 0); // "SMWB"
  const headerBytes = Buffer.from(header);
  view.setUint32(4, headerBytes.length, true);
  out.set(headerBytes, 8);
  const layout = JSON.parse(header).columns as { offset: number }[];
  entries.forEach(([, data], i) => out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), layout[i].offset));
  return out;
}
