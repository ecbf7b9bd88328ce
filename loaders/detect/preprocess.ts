// Interleaved 8-bit pixels from ffmpeg -> the planar, normalised float tensor a model wants.
// Writes into a tensor the caller allocated once, so the frame loop allocates nothing.

export interface Normalisation {
  /** Channel order the model expects. */
  channels: "BGR" | "RGB";
  /** Per-channel mean and std, in the model's channel order, on the 0-255 scale. */
  mean: [number, number, number];
  std: [number, number, number];
}

/**
 * `pixels` is width x height x 3 in `pixelOrder`; `out` receives 3 planes (NCHW, batch 1)
 * in the model's channel order.
 */
export function toPlanarNormalised(
  pixels: Uint8Array,
  width: number,
  height: number,
  pixelOrder: "BGR" | "RGB",
  norm: Normalisation,
  out: Float32Array,
): Float32Array {
  const plane = width * height;
  if (out.length < 3 * plane) throw new Error(`tensor too small: ${out.length} < ${3 * plane}`);
  const swap = pixelOrder !== norm.channels;
  for (let c = 0; c < 3; c++) {
    const src = swap ? 2 - c : c;
    const scale = 1 / norm.std[c];
    const shift = norm.mean[c] * scale;
    const base = c * plane;
    for (let p = 0, s = src; p < plane; p++, s += 3) out[base + p] = pixels[s] * scale - shift;
  }
  return out;
}
