// Which boxes are real people, against head-point ground truth (crowd-counting datasets mark
// one point per head). A box claims the nearest unclaimed head inside its upper half (from 5%
// above its top to half its height), best score first; boxes left without a head are false.
import { headPoint } from "./roi.ts";

export function matchHeads(boxes: ArrayLike<number>, scores: ArrayLike<number>, count: number, heads: [number, number][]): Uint8Array {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const claimed = new Uint8Array(heads.length);
  const real = new Uint8Array(count);
  for (const i of order) {
    const x1 = boxes[4 * i], y1 = boxes[4 * i + 1], x2 = boxes[4 * i + 2], y2 = boxes[4 * i + 3];
    const h = y2 - y1;
    const [hx, hy] = headPoint(boxes, i);
    let best = -1, bestD = Infinity;
    for (let j = 0; j < heads.length; j++) {
      if (claimed[j]) continue;
      const [x, y] = heads[j];
      if (x < x1 || x > x2 || y < y1 - 0.05 * h || y > y1 + 0.5 * h) continue;
      const d = Math.hypot(x - hx, y - hy);
      if (d < bestD) { bestD = d; best = j; }
    }
    if (best >= 0) { claimed[best] = 1; real[i] = 1; }
  }
  return real;
}
