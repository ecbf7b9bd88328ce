// Turns an accumulated grid into a picture a person can read: a perceptual colour map
// (inferno) laid over a dimmed copy of the background plate, so hot spots have a place.
import { interpolateInferno, rgb } from "d3";

/** Value at quantile q of the non-zero cells (robust top of the colour scale). */
export function nonZeroQuantile(grid: ArrayLike<number>, q: number): number {
  const values: number[] = [];
  for (let i = 0; i < grid.length; i++) if (grid[i] > 0) values.push(grid[i]);
  if (values.length === 0) return 0;
  values.sort((a, b) => a - b);
  return values[Math.min(values.length - 1, Math.floor(q * (values.length - 1)))];
}

const LUT = (() => {
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) {
    const c = rgb(interpolateInferno(i / 255));
    lut.set([c.r, c.g, c.b], i * 3);
  }
  return lut;
})();

/**
 * RGB image at the plate's size: plate dimmed to grey, heat blended on top with opacity
 * rising with intensity. Grid cells map to plate pixels by nearest neighbour.
 */
export function heatmapOverPlate(
  grid: ArrayLike<number>,
  gw: number,
  gh: number,
  plateRgb: Uint8Array,
  pw: number,
  ph: number,
): Uint8Array {
  const top = nonZeroQuantile(grid, 0.995) || 1;
  const out = new Uint8Array(pw * ph * 3);
  for (let y = 0; y < ph; y++) {
    const gy = Math.min(gh - 1, Math.floor((y * gh) / ph));
    for (let x = 0; x < pw; x++) {
      const gx = Math.min(gw - 1, Math.floor((x * gw) / pw));
      const v = Math.min(1, Math.sqrt(grid[gy * gw + gx] / top));
      const p = (y * pw + x) * 3;
      const grey = 0.35 * (0.299 * plateRgb[p] + 0.587 * plateRgb[p + 1] + 0.114 * plateRgb[p + 2]);
      const li = Math.round(v * 255) * 3;
      const a = Math.min(1, 1.2 * v); // faint motion lets the plate show through
      out[p] = grey * (1 - a) + LUT[li] * a;
      out[p + 1] = grey * (1 - a) + LUT[li + 1] * a;
      out[p + 2] = grey * (1 - a) + LUT[li + 2] * a;
    }
  }
  return out;
}
