// The people-free plate of a short clip with ground truth. A plain temporal median (what
// loaders/scene/background.ts does for unknown footage) keeps anyone who stands still for most of
// the clip, like the man at the shop window of TUD-Stadtmitte: rendered footage would then show a
// ghost in every frame. With the clip's boxes known, each pixel takes the median of only the frames
// where no person covers it; pixels covered in (nearly) every frame are filled from their
// surroundings by diffusion.
import type { TrackRow } from "../types.ts";

export interface Box { x1: number; y1: number; x2: number; y2: number }

/** Per pixel: 1 where any of the boxes (grown by `margin` of their size) covers it. */
export function coverage(boxes: readonly Box[], w: number, h: number, margin = 0.08): Uint8Array {
  const m = new Uint8Array(w * h);
  for (const b of boxes) {
    const mx = (b.x2 - b.x1) * margin, my = (b.y2 - b.y1) * margin;
    const x1 = Math.max(0, Math.floor(b.x1 - mx)), x2 = Math.min(w, Math.ceil(b.x2 + mx));
    const y1 = Math.max(0, Math.floor(b.y1 - my)), y2 = Math.min(h, Math.ceil(b.y2 + my));
    for (let y = y1; y < y2; y++) m.fill(1, y * w + x1, y * w + Math.max(x1, x2));
  }
  return m;
}

/**
 * Median RGB over the frames where the pixel is uncovered; `hole` marks pixels with fewer than
 * `minSamples` such frames (their value is then meaningless until `inpaint`).
 */
export function maskedMedian(frames: readonly Uint8Array[], covered: readonly Uint8Array[], w: number, h: number, minSamples = 3): { rgb: Uint8Array; hole: Uint8Array } {
  const rgb = new Uint8Array(w * h * 3);
  const hole = new Uint8Array(w * h);
  const column = new Uint8Array(frames.length);
  for (let p = 0; p < w * h; p++) {
    for (let c = 0; c < 3; c++) {
      let n = 0;
      for (let f = 0; f < frames.length; f++) {
        if (covered[f][p]) continue;
        const v = frames[f][p * 3 + c];
        let j = n - 1;
        while (j >= 0 && column[j] > v) column[j + 1] = column[j--];
        column[j + 1] = v;
        n++;
      }
      if (n < minSamples) hole[p] = 1;
      else rgb[p * 3 + c] = column[n >> 1];
    }
  }
  return { rgb, hole };
}

/** Fills hole pixels with the average of their neighbours, repeated until smooth (Jacobi relaxation). */
export function inpaint(rgb: Uint8Array, hole: Uint8Array, w: number, h: number, iterations = 400): void {
  const idx: number[] = [];
  for (let p = 0; p < hole.length; p++) if (hole[p]) idx.push(p);
  if (idx.length === 0) return;
  const v = Float32Array.from(rgb);
  // start from the mean of the known pixels so relaxation has less distance to travel
  const mean = [0, 0, 0];
  let known = 0;
  for (let p = 0; p < hole.length; p++) {
    if (hole[p]) continue;
    known++;
    for (let c = 0; c < 3; c++) mean[c] += rgb[p * 3 + c];
  }
  for (const p of idx) for (let c = 0; c < 3; c++) v[p * 3 + c] = mean[c] / Math.max(1, known);
  for (let it = 0; it < iterations; it++) {
    for (const p of idx) {
      const x = p % w, y = (p - x) / w;
      for (let c = 0; c < 3; c++) {
        let s = 0, n = 0;
        if (x > 0) (s += v[(p - 1) * 3 + c]), n++;
        if (x < w - 1) (s += v[(p + 1) * 3 + c]), n++;
        if (y > 0) (s += v[(p - w) * 3 + c]), n++;
        if (y < h - 1) (s += v[(p + w) * 3 + c]), n++;
        v[p * 3 + c] = s / n;
      }
    }
  }
  for (const p of idx) for (let c = 0; c < 3; c++) rgb[p * 3 + c] = Math.round(v[p * 3 + c]);
}

/** The plate of `frames` (RGB, w x h) given the ground-truth rows of those frames (`frameOf[i]` = source frame of frames[i]). */
export function peopleFreePlate(frames: readonly Uint8Array[], frameOf: readonly number[], gt: readonly TrackRow[], w: number, h: number): Uint8Array {
  const byFrame = new Map<number, TrackRow[]>();
  for (const r of gt) {
    if (!byFrame.has(r.frame)) byFrame.set(r.frame, []);
    byFrame.get(r.frame)!.push(r);
  }
  const covered = frameOf.map((f) => coverage(byFrame.get(f) ?? [], w, h));
  const { rgb, hole } = maskedMedian(frames, covered, w, h);
  inpaint(rgb, hole, w, h);
  return rgb;
}

/**
 * Person height in pixels as a linear function of the foot's y (a flat floor seen by a level
 * camera): least squares over boxes that lie wholly inside the picture. Returns [a, b]: h = a + b*y.
 */
export function fitHeightModel(boxes: readonly Box[], w: number, h: number): [number, number] {
  const inside = boxes.filter((b) => b.x1 > 1 && b.y1 > 1 && b.x2 < w - 1 && b.y2 < h - 1);
  const n = inside.length;
  if (n < 2) throw new Error("fitHeightModel: needs at least 2 boxes wholly inside the picture");
  let sy = 0, sh = 0, syy = 0, syh = 0;
  for (const b of inside) {
    const y = b.y2, hh = b.y2 - b.y1;
    sy += y; sh += hh; syy += y * y; syh += y * hh;
  }
  const den = n * syy - sy * sy;
  const slope = den > 1e-9 ? (n * syh - sy * sh) / den : 0;
  return [(sh - slope * sy) / n, slope];
}

/** Height model through two (footY, height) points. */
export function heightModelFrom([[y1, h1], [y2, h2]]: readonly [readonly [number, number], readonly [number, number]]): [number, number] {
  const b = y2 === y1 ? 0 : (h2 - h1) / (y2 - y1);
  return [h1 - b * y1, b];
}
