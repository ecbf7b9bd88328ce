// Greedy non-maximum suppression per class over columnar boxes. Candidates are few
// (hundreds after the score threshold), so the O(n^2) pass is cheaper than any index.

/** Indices of the boxes kept, highest score first. `boxes` holds x1,y1,x2,y2 quadruples. */
export function nms(
  boxes: Float32Array,
  scores: Float32Array,
  classes: Int32Array,
  count: number,
  iouThreshold: number,
  maxDetections = 300,
): number[] {
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const suppressed = new Uint8Array(count);
  const keep: number[] = [];
  for (let oi = 0; oi < order.length && keep.length < maxDetections; oi++) {
    const i = order[oi];
    if (suppressed[i]) continue;
    keep.push(i);
    const ax1 = boxes[4 * i], ay1 = boxes[4 * i + 1], ax2 = boxes[4 * i + 2], ay2 = boxes[4 * i + 3];
    const areaA = Math.max(0, ax2 - ax1) * Math.max(0, ay2 - ay1);
    for (let oj = oi + 1; oj < order.length; oj++) {
      const j = order[oj];
      if (suppressed[j] || classes[j] !== classes[i]) continue;
      const iw = Math.min(ax2, boxes[4 * j + 2]) - Math.max(ax1, boxes[4 * j]);
      if (iw <= 0) continue;
      const ih = Math.min(ay2, boxes[4 * j + 3]) - Math.max(ay1, boxes[4 * j + 1]);
      if (ih <= 0) continue;
      const inter = iw * ih;
      const areaB = (boxes[4 * j + 2] - boxes[4 * j]) * (boxes[4 * j + 3] - boxes[4 * j + 1]);
      if (inter / (areaA + areaB - inter) > iouThreshold) suppressed[j] = 1;
    }
  }
  return keep;
}
