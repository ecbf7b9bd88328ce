// Pixel evidence against the people-free background plate, on the motion stage's grid (the
// model input downsampled by 2): how much of a box, or of the counting region, differs from
// the plate. Pure functions over typed arrays; the frame loop allocates nothing.
//
// The plate is a temporal median, and cameras drift in brightness (auto exposure, daylight), so
// differences are taken after removing the frame's median difference from the plate: a global
// shift of a few grey levels must not make every box look "not background".

/** Grey levels of difference (after the global shift) from which a grid cell counts as foreground; the motion heatmap's threshold. */
export const FOREGROUND_LEVELS = 12;

/** Median of (gray - plate) over every `step`-th cell: the frame's global brightness shift. `scratch` needs ceil(n / step) entries. */
export function brightnessShift(gray: Float32Array, plate: Float32Array, step = 7, scratch: Float32Array<ArrayBuffer> = new Float32Array(Math.ceil(gray.length / step))): number {
  let n = 0;
  for (let p = 0; p < gray.length; p += step) scratch[n++] = gray[p] - plate[p];
  const s = scratch.subarray(0, n).sort();
  return n ? s[n >> 1] : 0;
}

/** Box core in grid cells: the middle 60% of the width, top 5% and bottom 10% trimmed, where the person is rather than the floor beside them. */
export function boxCore(x1: number, y1: number, x2: number, y2: number, sx: number, sy: number): [number, number, number, number] {
  const w = x2 - x1, h = y2 - y1;
  return [(x1 + 0.2 * w) * sx, (y1 + 0.05 * h) * sy, (x2 - 0.2 * w) * sx, (y2 - 0.1 * h) * sy];
}

/**
 * Share of the box's core cells that differ from the plate by >= `levels` after the shift.
 * Box in source pixels; `sx`, `sy` map source pixels to grid cells. A box smaller than a cell
 * samples the cell under its centre.
 */
export function boxForeground(
  gray: Float32Array, plate: Float32Array, gw: number, gh: number, shift: number,
  boxes: ArrayLike<number>, i: number, sx: number, sy: number, levels = FOREGROUND_LEVELS,
): number {
  const [cx1, cy1, cx2, cy2] = boxCore(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3], sx, sy);
  let x1 = Math.max(0, Math.floor(cx1)), y1 = Math.max(0, Math.floor(cy1));
  let x2 = Math.min(gw, Math.ceil(cx2)), y2 = Math.min(gh, Math.ceil(cy2));
  if (x2 <= x1) { x1 = Math.min(gw - 1, Math.max(0, Math.floor((cx1 + cx2) / 2))); x2 = x1 + 1; }
  if (y2 <= y1) { y1 = Math.min(gh - 1, Math.max(0, Math.floor((cy1 + cy2) / 2))); y2 = y1 + 1; }
  let n = 0, fg = 0;
  for (let y = y1; y < y2; y++) {
    for (let p = y * gw + x1, end = y * gw + x2; p < end; p++) {
      n++;
      if (Math.abs(gray[p] - plate[p] - shift) >= levels) fg++;
    }
  }
  return n ? fg / n : 0;
}

/** Share of the region's cells (mask 1) that differ from the plate: the foreground feature of a count model. */
export function regionForeground(gray: Float32Array, plate: Float32Array, region: Uint8Array, shift: number, levels = FOREGROUND_LEVELS): number {
  let n = 0, fg = 0;
  for (let p = 0; p < gray.length; p++) {
    if (!region[p]) continue;
    n++;
    if (Math.abs(gray[p] - plate[p] - shift) >= levels) fg++;
  }
  return n ? fg / n : 0;
}
