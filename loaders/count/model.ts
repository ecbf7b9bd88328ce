// The count model: how many people a frame holds, from what the detector and the motion stage
// saw. A frame's features are the number of person boxes at the camera's score threshold whose
// head point is in the counting region (static ones left out), and the share of the region
// that differs from the background plate. The estimate is a weighted sum of the features with
// no intercept (no evidence, nobody there), optionally averaged over a few seconds, because
// detector misses flicker from frame to frame while crowds change slowly.
import type { Detections } from "../types.ts";
import { headPoint, roiContains, type RoiMask } from "./roi.ts";

export type CountFeature = "detections" | "foreground";

export interface CountModel {
  /** Features the weights apply to, in order. */
  features: CountFeature[];
  weights: number[];
}

/** Per-frame error of a calibrated count, from held-out (leave-one-out) residuals on the labelled frames. */
export interface ResidualStats {
  /** Labelled frames the residuals come from. */
  n: number;
  /** Mean error (estimate - truth). */
  mean: number;
  /** Standard deviation of the error. */
  sd: number;
  mae: number;
  rmse: number;
}

/** What calibration stores in the camera config (`calibration` object) and analysis uses. */
export interface CountCalibration {
  version: 1;
  /** Detector settings for this camera. */
  inputSize: [number, number];
  scoreThreshold: number;
  /** Leave static (plate-matching) boxes out of counts. */
  suppressStatic: boolean;
  /** Counts are averaged over +- this many seconds (0 = each frame alone). */
  smoothSeconds: number;
  model: CountModel;
  residuals: ResidualStats;
  /** Counting region mask, relative to the config file (or absolute). */
  roi?: string;
  /** Where the calibration came from, for people reading the config. */
  source: { video: string; labels: string; frames: number[]; createdAt: string; model?: string };
}

/** Default counting: the pipeline's detector settings, every box counted, no correction. */
export const UNCALIBRATED: Pick<CountCalibration, "scoreThreshold" | "suppressStatic" | "smoothSeconds" | "model"> = {
  scoreThreshold: 0.45,
  suppressStatic: false,
  smoothSeconds: 0,
  model: { features: ["detections"], weights: [1] },
};

export interface FrameFeatures {
  detections: number;
  foreground: number;
}

/**
 * Person boxes that count in one frame: score >= threshold, head point in the region, and not
 * flagged static when `staticFlags` is given.
 */
export function countBoxes(
  dets: Detections,
  o: { scoreThreshold: number; roi?: RoiMask; videoWidth: number; videoHeight: number; staticFlags?: ArrayLike<number> },
  /** When given (>= dets.count entries): 1 for each box that counts, 0 otherwise. */
  counted?: Uint8Array,
): number {
  let n = 0;
  for (let i = 0; i < dets.count; i++) {
    let yes = dets.scores[i] >= o.scoreThreshold && !(o.staticFlags && o.staticFlags[i]);
    if (yes) {
      const [hx, hy] = headPoint(dets.boxes, i);
      yes = roiContains(o.roi, hx, hy, o.videoWidth, o.videoHeight);
    }
    if (yes) n++;
    if (counted) counted[i] = yes ? 1 : 0;
  }
  return n;
}

export function featureValue(f: FrameFeatures, name: CountFeature): number {
  return name === "detections" ? f.detections : 100 * f.foreground; // foreground in percent of the region
}

export function predictCount(model: CountModel, f: FrameFeatures): number {
  let v = 0;
  model.features.forEach((name, j) => (v += model.weights[j] * featureValue(f, name)));
  return Math.max(0, v);
}

/**
 * Centred moving average over +- `halfWidth` seconds (times need not be evenly spaced), fed in
 * time order: a value comes out once a later time past its window has arrived (or at `flush`),
 * so a long series never needs to be held whole. Running sums, the same arithmetic as
 * `smoothSeries`.
 */
export class MovingAverage {
  private t: number[] = [];
  private v: number[] = [];
  /** Absolute index of t[0]; window [lo, hi) and the next value to give out, absolute. */
  private base = 0;
  private lo = 0;
  private hi = 0;
  private next = 0;
  private sum = 0;

  constructor(readonly halfWidth: number) {}

  push(t: number, v: number): void {
    this.t.push(t);
    this.v.push(v);
  }

  /** Smoothed values that are final (all of their window has arrived), in push order. */
  take(): number[] {
    return this.drain(false);
  }

  /** Every remaining value: the series is complete. */
  flush(): number[] {
    return this.drain(true);
  }

  private drain(all: boolean): number[] {
    const out: number[] = [];
    const n = this.base + this.t.length;
    const at = (i: number) => this.t[i - this.base];
    const h = this.halfWidth;
    while (this.next < n) {
      const ti = at(this.next);
      if (!all && !(at(n - 1) > ti + h + 1e-9)) break; // a later value could still fall in the window
      while (this.hi < n && at(this.hi) <= ti + h + 1e-9) this.sum += this.v[this.hi++ - this.base];
      while (at(this.lo) < ti - h - 1e-9) this.sum -= this.v[this.lo++ - this.base];
      out.push(this.sum / (this.hi - this.lo));
      this.next++;
    }
    // drop what no window reaches any more
    const drop = Math.min(this.lo, this.next) - this.base;
    if (drop > 1024 && drop > this.t.length / 2) {
      this.t = this.t.slice(drop);
      this.v = this.v.slice(drop);
      this.base += drop;
    }
    return out;
  }
}

/**
 * Centred moving average over +- `halfWidth` seconds (times need not be evenly spaced). With
 * halfWidth 0 the values come back unchanged.
 */
export function smoothSeries(t: ArrayLike<number>, v: ArrayLike<number>, halfWidth: number): Float64Array {
  const m = new MovingAverage(halfWidth);
  for (let i = 0; i < v.length; i++) m.push(t[i], v[i]);
  return Float64Array.from(m.flush());
}

/** Least squares without intercept (normal equations, tiny ridge for stability). Rows are feature vectors. */
export function fitWeights(X: number[][], y: number[], ridge = 1e-6): number[] {
  const k = X[0]?.length ?? 0;
  if (k === 0 || X.length === 0) throw new Error("fitWeights needs at least one row and one feature");
  const A = Array.from({ length: k }, () => new Float64Array(k));
  const b = new Float64Array(k);
  for (let i = 0; i < X.length; i++) {
    for (let a = 0; a < k; a++) {
      b[a] += X[i][a] * y[i];
      for (let c = 0; c < k; c++) A[a][c] += X[i][a] * X[i][c];
    }
  }
  for (let a = 0; a < k; a++) A[a][a] += ridge * (A[a][a] || 1);
  // Gauss-Jordan with partial pivoting (k is 1 or 2)
  for (let i = 0; i < k; i++) {
    let p = i;
    for (let r = i + 1; r < k; r++) if (Math.abs(A[r][i]) > Math.abs(A[p][i])) p = r;
    [A[i], A[p]] = [A[p], A[i]];
    [b[i], b[p]] = [b[p], b[i]];
    if (Math.abs(A[i][i]) < 1e-12) return new Array(k).fill(0);
    for (let r = 0; r < k; r++) {
      if (r === i) continue;
      const m = A[r][i] / A[i][i];
      for (let c = i; c < k; c++) A[r][c] -= m * A[i][c];
      b[r] -= m * b[i];
    }
  }
  return Array.from(b, (v, i) => v / A[i][i]);
}

export function errorStats(errors: ArrayLike<number>): ResidualStats {
  const n = errors.length;
  let sum = 0, abs = 0, sq = 0;
  for (let i = 0; i < n; i++) {
    sum += errors[i];
    abs += Math.abs(errors[i]);
    sq += errors[i] * errors[i];
  }
  const mean = n ? sum / n : 0;
  let v = 0;
  for (let i = 0; i < n; i++) v += (errors[i] - mean) ** 2;
  return { n, mean, sd: n > 1 ? Math.sqrt(v / (n - 1)) : 0, mae: n ? abs / n : 0, rmse: n ? Math.sqrt(sq / n) : 0 };
}
