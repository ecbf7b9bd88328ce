// People-free background plate: the per-pixel temporal median of frames sampled across the
// video. A person covers any given pixel in fewer than half of the samples, so the median
// sees through them (the technique the project's predecessor used).

/** Per-byte median of equally sized frames (any channel layout). */
export function temporalMedian(frames: Uint8Array[]): Uint8Array {
  if (frames.length === 0) throw new Error("temporalMedian needs at least one frame");
  const n = frames.length;
  const size = frames[0].length;
  const out = new Uint8Array(size);
  const column = new Uint8Array(n);
  const mid = n >> 1;
  for (let p = 0; p < size; p++) {
    // insertion sort: n is ~25, and this beats a generic sort by an order of magnitude
    for (let i = 0; i < n; i++) {
      const v = frames[i][p];
      let j = i - 1;
      while (j >= 0 && column[j] > v) {
        column[j + 1] = column[j];
        j--;
      }
      column[j + 1] = v;
    }
    out[p] = n % 2 ? column[mid] : (column[mid - 1] + column[mid] + 1) >> 1;
  }
  return out;
}

/** Size of the plate: the source size, capped so 4K footage does not cost a 4K median. */
export function plateSize(width: number, height: number, maxSide = 1280): [number, number] {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  // even sides keep every ffmpeg pixel format happy
  return [Math.max(2, Math.round((width * scale) / 2) * 2), Math.max(2, Math.round((height * scale) / 2) * 2)];
}
