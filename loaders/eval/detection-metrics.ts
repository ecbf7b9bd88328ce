// Detection quality against ground truth boxes, frame by frame: a detection is a true
// positive when it overlaps a not-yet-claimed GT box with IoU >= threshold (greedy by
// score, as PASCAL VOC and COCO match).
import { iouAt } from "../geometry/box.ts";

export interface FrameBoxes {
  /** x1,y1,x2,y2 quadruples. */
  boxes: ArrayLike<number>;
  count: number;
  /** Detections only: used to match best first. */
  scores?: ArrayLike<number>;
}

export interface DetectionCounts {
  tp: number;
  fp: number;
  fn: number;
}

export function matchFrame(gt: FrameBoxes, det: FrameBoxes, iouThreshold = 0.5): DetectionCounts {
  const order = Array.from({ length: det.count }, (_, i) => i);
  if (det.scores) order.sort((a, b) => det.scores![b] - det.scores![a]);
  const claimed = new Uint8Array(gt.count);
  let tp = 0;
  for (const d of order) {
    let best = -1;
    let bestIou = iouThreshold;
    for (let g = 0; g < gt.count; g++) {
      if (claimed[g]) continue;
      const v = iouAt(det.boxes, d, gt.boxes, g);
      if (v >= bestIou) {
        bestIou = v;
        best = g;
      }
    }
    if (best >= 0) {
      claimed[best] = 1;
      tp++;
    }
  }
  return { tp, fp: det.count - tp, fn: gt.count - tp };
}

export function precisionRecall(c: DetectionCounts): { precision: number; recall: number } {
  return { precision: c.tp / Math.max(1, c.tp + c.fp), recall: c.tp / Math.max(1, c.tp + c.fn) };
}

export function addCounts(a: DetectionCounts, b: DetectionCounts): DetectionCounts {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn };
}
