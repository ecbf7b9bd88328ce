// Model outputs -> candidate boxes in model-input pixels, before NMS. One function per
// decoder type named in the manifest.

export interface Candidates {
  count: number;
  boxes: Float32Array;
  scores: Float32Array;
  classes: Int32Array;
}

export function newCandidates(capacity = 1024): Candidates {
  return { count: 0, boxes: new Float32Array(capacity * 4), scores: new Float32Array(capacity), classes: new Int32Array(capacity) };
}

function push(c: Candidates, x1: number, y1: number, x2: number, y2: number, score: number, cls: number): void {
  if (c.count === c.scores.length) {
    const bigger = newCandidates(c.scores.length * 2);
    bigger.boxes.set(c.boxes);
    bigger.scores.set(c.scores);
    bigger.classes.set(c.classes);
    c.boxes = bigger.boxes;
    c.scores = bigger.scores;
    c.classes = bigger.classes;
  }
  const i = c.count++;
  c.boxes[4 * i] = x1;
  c.boxes[4 * i + 1] = y1;
  c.boxes[4 * i + 2] = x2;
  c.boxes[4 * i + 3] = y2;
  c.scores[i] = score;
  c.classes[i] = cls;
}

/** Expected value of a softmax over `bins` logits starting at `offset` (the distance in stride units). */
export function softmaxExpectation(logits: Float32Array, offset: number, bins: number): number {
  let max = -Infinity;
  for (let b = 0; b < bins; b++) max = Math.max(max, logits[offset + b]);
  let sum = 0;
  let weighted = 0;
  for (let b = 0; b < bins; b++) {
    const e = Math.exp(logits[offset + b] - max);
    sum += e;
    weighted += e * b;
  }
  return weighted / sum;
}

/**
 * One NanoDet level: `scores` is [cells, numClasses] (already sigmoid), `dist` is
 * [cells, 4 * bins] (left, top, right, bottom). Cell centres sit at (col + 0.5) * stride:
 * without the half-cell offset precision and recall drop by half (measured).
 */
export function decodeNanodetLevel(
  scores: Float32Array,
  dist: Float32Array,
  numClasses: number,
  bins: number,
  stride: number,
  gridWidth: number,
  wanted: Int32Array,
  threshold: number,
  out: Candidates,
): void {
  const cells = scores.length / numClasses;
  const reg = 4 * bins;
  for (let i = 0; i < cells; i++) {
    for (let w = 0; w < wanted.length; w++) {
      const cls = wanted[w];
      const s = scores[i * numClasses + cls];
      if (s < threshold) continue;
      const cx = ((i % gridWidth) + 0.5) * stride;
      const cy = (Math.floor(i / gridWidth) + 0.5) * stride;
      const l = softmaxExpectation(dist, i * reg, bins) * stride;
      const t = softmaxExpectation(dist, i * reg + bins, bins) * stride;
      const r = softmaxExpectation(dist, i * reg + 2 * bins, bins) * stride;
      const b = softmaxExpectation(dist, i * reg + 3 * bins, bins) * stride;
      push(out, cx - l, cy - t, cx + r, cy + b, s, cls);
    }
  }
}

/** YOLOv8 export: [4 + classes, anchors] channel-major, boxes as centre and size in input pixels. */
export function decodeYolov8(data: Float32Array, numClasses: number, wanted: Int32Array, threshold: number, out: Candidates): void {
  const anchors = data.length / (4 + numClasses);
  for (let a = 0; a < anchors; a++) {
    for (let w = 0; w < wanted.length; w++) {
      const cls = wanted[w];
      const s = data[(4 + cls) * anchors + a];
      if (s < threshold) continue;
      const cx = data[a], cy = data[anchors + a], bw = data[2 * anchors + a], bh = data[3 * anchors + a];
      push(out, cx - bw / 2, cy - bh / 2, cx + bw / 2, cy + bh / 2, s, cls);
    }
  }
}
