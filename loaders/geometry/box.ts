// Box geometry: the one home of IoU and foot points. Mostly on packed x1,y1,x2,y2 quadruples
// (the layout of Detections.boxes), so hot loops index typed arrays directly instead of
// building box objects; `boxIou` and `footOf` take the row objects read back from a run.

/** Anything indexable holding boxes as x1,y1,x2,y2 quadruples. */
export type BoxArray = ArrayLike<number>;

/** Intersection over union of two boxes given by their corners. Degenerate boxes give 0, never NaN. */
export function iou(
  ax1: number, ay1: number, ax2: number, ay2: number,
  bx1: number, by1: number, bx2: number, by2: number,
): number {
  const iw = Math.min(ax2, bx2) - Math.max(ax1, bx1);
  if (iw <= 0) return 0;
  const ih = Math.min(ay2, by2) - Math.max(ay1, by1);
  if (ih <= 0) return 0;
  const inter = iw * ih;
  const union = (ax2 - ax1) * (ay2 - ay1) + (bx2 - bx1) * (by2 - by1) - inter;
  return union > 0 ? inter / union : 0;
}

/** A box as a row of a run's tables: corners in source pixels. */
export interface Box {
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** IoU of two box objects. */
export function boxIou(a: Box, b: Box): number {
  return iou(a.x1, a.y1, a.x2, a.y2, b.x1, b.y1, b.x2, b.y2);
}

/** IoU of box `i` of `a` and box `j` of `b` (indices count boxes, not numbers). */
export function iouAt(a: BoxArray, i: number, b: BoxArray, j: number): number {
  const p = 4 * i;
  const q = 4 * j;
  return iou(a[p], a[p + 1], a[p + 2], a[p + 3], b[q], b[q + 1], b[q + 2], b[q + 3]);
}

/**
 * Row-major `na x nb` IoU matrix. Pass `out` (length >= na*nb) to reuse a buffer across frames;
 * Float64 because the values feed an assignment whose ties we want decided by real differences.
 */
export function iouMatrix(a: BoxArray, na: number, b: BoxArray, nb: number, out?: Float64Array): Float64Array {
  const m = out && out.length >= na * nb ? out : new Float64Array(na * nb);
  for (let i = 0; i < na; i++) {
    const p = 4 * i;
    const ax1 = a[p], ay1 = a[p + 1], ax2 = a[p + 2], ay2 = a[p + 3];
    const row = i * nb;
    for (let j = 0; j < nb; j++) {
      const q = 4 * j;
      m[row + j] = iou(ax1, ay1, ax2, ay2, b[q], b[q + 1], b[q + 2], b[q + 3]);
    }
  }
  return m;
}

/** Centre of box `i`. `out` lets callers avoid a tuple allocation per call. */
export function boxCenter(boxes: BoxArray, i: number, out: [number, number] = [0, 0]): [number, number] {
  const p = 4 * i;
  out[0] = (boxes[p] + boxes[p + 2]) / 2;
  out[1] = (boxes[p + 1] + boxes[p + 3]) / 2;
  return out;
}

/**
 * Bottom-centre of box `i`: where the person stands. Zones and floor-plane homographies use this
 * rather than the centre, which sits on the torso and drifts with height/perspective.
 */
export function footPoint(boxes: BoxArray, i: number, out: [number, number] = [0, 0]): [number, number] {
  const p = 4 * i;
  out[0] = (boxes[p] + boxes[p + 2]) / 2;
  out[1] = boxes[p + 3];
  return out;
}

/** Foot point of a box object: bottom centre, where the person stands (see footPoint). */
export function footOf(b: Pick<Box, "x1" | "x2" | "y2">): [number, number] {
  return [(b.x1 + b.x2) / 2, b.y2];
}

export function boxWidth(boxes: BoxArray, i: number): number {
  return boxes[4 * i + 2] - boxes[4 * i];
}

export function boxHeight(boxes: BoxArray, i: number): number {
  return boxes[4 * i + 3] - boxes[4 * i + 1];
}
