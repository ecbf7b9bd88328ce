// Reads the columnar container written by src/data/_lib/binary.ts: a JSON header and typed-array
// columns, viewed in place (no copy, no parsing of the numbers).
const TYPES = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array
};

/** @returns {{header: object, columns: Record<string, TypedArray>}} */
export function unpackColumns(buffer) {
  const bytes = new Uint8Array(buffer);
  if (String.fromCharCode(...bytes.subarray(0, 4)) !== "SMWB") throw new Error("not a workbench data file (bad magic)");
  const length = new DataView(buffer).getUint32(4, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  const columns = {};
  for (const {name, type, length, offset} of header.columns) columns[name] = new TYPES[type](buffer, offset, length);
  return {header, columns};
}
