// The calibration sweep, pure: given the cached evidence of the labelled frames (and of their
// neighbours, for smoothing), score every combination of input size, score threshold,
// smoothing and count model on held-out error, and pick one.
//
// Held-out error is measured three ways on the labelled frames, never predicting a frame from
// a fit that saw it: leave-one-out (fit on the others, predict it); a range split (fit on the
// half with fewer people, predict the busier half, and the reverse); and a time split (fit on
// the earlier half, predict the later half, and the reverse). The two splits reward settings
// whose relation to the truth stays the same when the store fills up and as the day goes on,
// which is what a calibration from 20 frames of one afternoon must do to hold on a Saturday.
//
// And a model that is right only because it scales the boxes a lot (0.6 x boxes: four in ten
// boxes are junk; 1.7 x boxes: four in ten people are missed) stays right only while that ratio
// holds; the "right total by luck" (9 missed people cancelled by 10 false boxes). So each
// candidate pays RELIANCE_PENALTY times its reliance: the mean number of people it adds to or
// removes from the raw box count on the labelled frames (a 5% drift of that correction).
import type { EvidenceFrame } from "./evidence-cache.ts";
import { errorStats, featureValue, fitWeights, type CountFeature, type FrameFeatures, type ResidualStats } from "./model.ts";
import { headPoint, roiContains, type RoiMask } from "./roi.ts";
import { STATIC_DEFAULTS } from "./static-filter.ts";

export interface Candidate {
  inputSize: [number, number];
  scoreThreshold: number;
  suppressStatic: boolean;
  smoothSeconds: number;
  features: CountFeature[];
}

export interface CandidateScore extends Candidate {
  /** Weights fitted on all labelled frames. */
  weights: number[];
  /** Leave-one-out errors (estimate - truth). */
  loo: ResidualStats;
  looErrors: number[];
  /** Range-split errors. */
  split: ResidualStats;
  /** Time-split errors (earlier half predicts later half and back). */
  time: ResidualStats;
  /** Mean |estimate - boxes| on the labelled frames: how much the model corrects the raw count. */
  reliance: number;
  /** Mean of the three MAEs plus RELIANCE_PENALTY x reliance: lower is better. */
  criterion: number;
  /** Model input pixels (the cost of a frame). */
  cost: number;
}

export interface SweepInput {
  /** In time order. */
  labelled: { frame: number; count: number }[];
  /** Evidence per input size ("WxH") per frame. */
  evidence: Map<string, Map<number, EvidenceFrame>>;
  sizes: [number, number][];
  thresholds: number[];
  smoothSeconds: number[];
  featureSets: CountFeature[][];
  staticOptions: boolean[];
  /** Frames averaged for a labelled frame at each smoothing half-width. */
  neighbours: (frame: number, smoothSeconds: number) => number[];
  roi?: RoiMask;
  videoWidth: number;
  videoHeight: number;
  maxForeground?: number;
  /** Candidates within this many people of the best criterion count as equally good; the cheapest wins. */
  tolerance?: number;
}

export const DEFAULT_THRESHOLDS = Array.from({ length: 19 }, (_, i) => Math.round((0.15 + 0.025 * i) * 1000) / 1000); // 0.15 .. 0.60
export const DEFAULT_SMOOTHING = [0, 1];
export const DEFAULT_FEATURE_SETS: CountFeature[][] = [["detections"], ["detections", "foreground"]];

/** People of criterion per person of correction (see the header). */
export const RELIANCE_PENALTY = 0.05;

export const sizeKey = (s: [number, number]) => `${s[0]}x${s[1]}`;

/** Features of one evidence frame under a threshold and static rule. `inRoi` caches head-in-region per box. */
export function evidenceFeatures(ev: EvidenceFrame, inRoi: Uint8Array, scoreThreshold: number, suppressStatic: boolean, maxForeground = STATIC_DEFAULTS.maxForeground): FrameFeatures {
  let n = 0;
  for (let i = 0; i < ev.scores.length; i++) {
    if (ev.scores[i] < scoreThreshold || !inRoi[i]) continue;
    if (suppressStatic && ev.foreground[i] < maxForeground) continue;
    n++;
  }
  return { detections: n, foreground: ev.sceneForeground };
}

export function headsInRoi(ev: EvidenceFrame, roi: RoiMask | undefined, w: number, h: number): Uint8Array {
  const out = new Uint8Array(ev.scores.length);
  for (let i = 0; i < out.length; i++) {
    const [x, y] = headPoint(ev.boxes, i);
    out[i] = roiContains(roi, x, y, w, h) ? 1 : 0;
  }
  return out;
}

/** Leave-one-out and range-split errors of a no-intercept linear fit. */
export function heldOutErrors(X: number[][], y: number[]): { weights: number[]; loo: number[]; split: number[]; time: number[] } {
  const weights = fitWeights(X, y);
  const predict = (w: number[], x: number[]) => Math.max(0, x.reduce((a, v, j) => a + v * w[j], 0));
  const loo = X.map((x, i) => {
    const w = fitWeights(X.filter((_, j) => j !== i), y.filter((_, j) => j !== i));
    return predict(w, x) - y[i];
  });
  const halves = (order: number[]): number[] => {
    const half = Math.floor(order.length / 2);
    const a = order.slice(0, half), b = order.slice(half);
    const out: number[] = [];
    if (a.length < X[0].length || b.length < X[0].length) return out;
    const wa = fitWeights(a.map((i) => X[i]), a.map((i) => y[i]));
    const wb = fitWeights(b.map((i) => X[i]), b.map((i) => y[i]));
    for (const i of b) out.push(predict(wa, X[i]) - y[i]);
    for (const i of a) out.push(predict(wb, X[i]) - y[i]);
    return out;
  };
  const byCount = y.map((_, i) => i).sort((a, b) => y[a] - y[b] || a - b);
  const byTime = y.map((_, i) => i); // rows come in time order
  return { weights, loo, split: halves(byCount), time: halves(byTime) };
}

export function sweep(input: SweepInput): CandidateScore[] {
  const { labelled, evidence, roi, videoWidth: W, videoHeight: H } = input;
  const y = labelled.map((l) => l.count);
  const scores: CandidateScore[] = [];
  for (const size of input.sizes) {
    const byFrame = evidence.get(sizeKey(size));
    if (!byFrame) continue;
    const inRoi = new Map<number, Uint8Array>();
    for (const [f, ev] of byFrame) inRoi.set(f, headsInRoi(ev, roi, W, H));
    for (const smooth of input.smoothSeconds) {
      const groups = labelled.map((l) => input.neighbours(l.frame, smooth).filter((f) => byFrame.has(f)));
      if (groups.some((g) => g.length === 0)) continue; // a labelled frame without evidence
      for (const suppressStatic of input.staticOptions) {
        for (const thr of input.thresholds) {
          const feats = groups.map((g) => {
            let d = 0, fg = 0;
            for (const f of g) {
              const v = evidenceFeatures(byFrame.get(f)!, inRoi.get(f)!, thr, suppressStatic, input.maxForeground);
              d += v.detections;
              fg += v.foreground;
            }
            return { detections: d / g.length, foreground: fg / g.length };
          });
          for (const features of input.featureSets) {
            const X = feats.map((f) => features.map((name) => featureValue(f, name)));
            if (X.every((x) => x.every((v) => v === 0))) continue;
            const { weights, loo, split, time } = heldOutErrors(X, y);
            const looStats = errorStats(loo), splitStats = errorStats(split), timeStats = errorStats(time);
            const parts = [looStats, ...(split.length ? [splitStats] : []), ...(time.length ? [timeStats] : [])];
            const reliance = feats.reduce((a, f, i) => a + Math.abs(Math.max(0, X[i].reduce((s, v, j) => s + v * weights[j], 0)) - f.detections), 0) / feats.length;
            scores.push({
              inputSize: size, scoreThreshold: thr, suppressStatic, smoothSeconds: smooth, features,
              weights, loo: looStats, looErrors: loo, split: splitStats, time: timeStats,
              reliance,
              criterion: parts.reduce((a, p) => a + p.mae, 0) / parts.length + RELIANCE_PENALTY * reliance,
              cost: size[0] * size[1],
            });
          }
        }
      }
    }
  }
  return scores.sort((a, b) => a.criterion - b.criterion);
}

/** The best candidate, preferring (within `tolerance` people of the best) cheaper input, fewer features, then the better score. */
export function choose(scores: CandidateScore[], tolerance = 0.05): CandidateScore {
  if (scores.length === 0) throw new Error("no calibration candidate could be scored");
  const best = scores[0].criterion;
  const near = scores.filter((s) => s.criterion <= best + tolerance);
  near.sort((a, b) => a.cost - b.cost || a.features.length - b.features.length || a.criterion - b.criterion);
  return near[0];
}
