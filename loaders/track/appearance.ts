// What a tracklet looked like, so offline association can tell two people apart when their
// paths alone cannot (a group walking together, a crossing). Colours only, coarse, in memory for
// one run: nothing here is written anywhere, and a histogram of clothing colours identifies
// nobody outside the run it was taken in (privacy: see the README).
//
// A box gives two histograms, upper and lower body, each 4x4x4 bins over the three colour
// channels of the central half of the box's width (the sides are mostly background).

/** Values per box: two parts of 64 bins. */
export const HISTOGRAM_LENGTH = 128;

/**
 * Normalised colour histogram of `box` (x1, y1, x2, y2 in the pixels' own coordinates) in a packed
 * 3-channel image. Returns false (and leaves `out` alone) when a part covers no pixel.
 */
export function colourHistogram(
  pixels: Uint8Array, width: number, height: number, x1: number, y1: number, x2: number, y2: number, out: Float32Array,
): boolean {
  const bw = x2 - x1, bh = y2 - y1;
  const xa = Math.max(0, Math.round(x1 + 0.25 * bw)), xb = Math.min(width, Math.round(x2 - 0.25 * bw));
  if (xb <= xa) return false;
  out.fill(0);
  // torso (15-50% of the height: below the head) and legs (50-85%: above the feet, often cut off)
  const parts: [number, number][] = [[y1 + 0.15 * bh, y1 + 0.5 * bh], [y1 + 0.5 * bh, y1 + 0.85 * bh]];
  for (let p = 0; p < 2; p++) {
    const ya = Math.max(0, Math.round(parts[p][0])), yb = Math.min(height, Math.round(parts[p][1]));
    if (yb <= ya) return false;
    const base = 64 * p;
    for (let y = ya; y < yb; y++) {
      for (let o = 3 * (y * width + xa), end = 3 * (y * width + xb); o < end; o += 3) {
        out[base + (((pixels[o] >> 6) << 4) | ((pixels[o + 1] >> 6) << 2) | (pixels[o + 2] >> 6))]++;
      }
    }
    const n = (yb - ya) * (xb - xa);
    for (let i = base; i < base + 64; i++) out[i] /= n;
  }
  return true;
}

/** True when box `i` overlaps no other box of the frame: only such views describe one person. */
export function unoccluded(boxes: ArrayLike<number>, count: number, i: number): boolean {
  const p = 4 * i;
  for (let j = 0; j < count; j++) {
    if (j === i) continue;
    const q = 4 * j;
    if (Math.min(boxes[p + 2], boxes[q + 2]) > Math.max(boxes[p], boxes[q]) && Math.min(boxes[p + 3], boxes[q + 3]) > Math.max(boxes[p + 1], boxes[q + 1])) return false;
  }
  return true;
}

/** Running mean histogram per track id, for the tracklets still open. */
export class AppearanceBank {
  private readonly sums = new Map<number, { sum: Float32Array; n: number }>();
  private readonly scratch = new Float32Array(HISTOGRAM_LENGTH);

  /**
   * Adds the unoccluded boxes of one frame's tracks. `boxes` are in source pixels; `scaleX/Y` map
   * them onto `pixels` (the frame at the model input size).
   */
  observe(
    pixels: Uint8Array, width: number, height: number, scaleX: number, scaleY: number,
    ids: ArrayLike<number>, boxes: ArrayLike<number>, count: number,
  ): void {
    for (let i = 0; i < count; i++) {
      if (!unoccluded(boxes, count, i)) continue;
      const p = 4 * i;
      if (!colourHistogram(pixels, width, height, boxes[p] * scaleX, boxes[p + 1] * scaleY, boxes[p + 2] * scaleX, boxes[p + 3] * scaleY, this.scratch)) continue;
      let e = this.sums.get(ids[i]);
      if (!e) this.sums.set(ids[i], (e = { sum: new Float32Array(HISTOGRAM_LENGTH), n: 0 }));
      for (let k = 0; k < HISTOGRAM_LENGTH; k++) e.sum[k] += this.scratch[k];
      e.n++;
    }
  }

  /** Mean histogram of a track id's clean views; undefined when it had none. */
  mean(id: number): Float32Array | undefined {
    const e = this.sums.get(id);
    return e ? e.sum.map((v) => v / e.n) : undefined;
  }

  /** Keeps only these ids: the others' tracklets have been handed on and can no longer be linked. */
  retain(ids: Iterable<number>): void {
    const keep = new Set(ids);
    for (const id of this.sums.keys()) if (!keep.has(id)) this.sums.delete(id);
  }

  get size(): number {
    return this.sums.size;
  }
}
