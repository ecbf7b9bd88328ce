// Multi-object tracking metrics with the standard definitions, so numbers are comparable with
// published MOTChallenge results:
//  - CLEAR-MOT (Bernardin & Stiefelhagen 2008) as py-motmetrics computes it: per frame, a GT
//    object keeps the hypothesis it was matched to in the previous frame if their IoU is still
//    >= the threshold; the rest is matched by a maximum-cardinality, min-distance assignment.
//    A match whose hypothesis differs from the object's last matched hypothesis (at any earlier
//    time) is an identity switch.
//  - Identity metrics IDF1/IDP/IDR (Ristani et al. 2016): one global one-to-one matching of GT
//    ids to result ids maximising the frames in which the pair overlaps (IoU >= threshold), which
//    is the same as minimising IDFP + IDFN with unmatched ids costing all their frames.
//  - HOTA (Luiten et al. 2021) as TrackEval computes it: averaged over IoU thresholds
//    0.05..0.95, with the per-frame matching driven by IoU x global alignment score.
// MOTP is reported as mean IoU of matched pairs (higher is better), i.e. 1 - py-motmetrics' MOTP
// (which is a mean 1-IoU distance). Ids are assumed unique within a frame.

import { iouMatrix } from "../geometry/box.ts";
import { maxMatchAssignment, solveAssignment } from "../track/assignment.ts";
import { computeHota, type HotaMetrics } from "./hota.ts";
import { EMPTY, div, packBoxes, prepare, type MotBox } from "./mot-frames.ts";

export type { HotaMetrics } from "./hota.ts";
export type { MotBox } from "./mot-frames.ts";

export interface MotMetricsOptions {
  /** A GT box and a result box can match when IoU >= this. Default 0.5. */
  iouThreshold?: number;
  /** Also compute HOTA (a second pass over the frames). Default true. */
  hota?: boolean;
}

export interface MotMetrics {
  /** Frames with at least one GT or result box. */
  frames: number;
  /** GT boxes / result boxes. */
  numGt: number;
  numHyp: number;
  /** Distinct GT ids / result ids. */
  gtTracks: number;
  hypTracks: number;
  /** Matched pairs (including those that are switches). */
  tp: number;
  fp: number;
  fn: number;
  idsw: number;
  /** Fragmentations: tracked -> untracked transitions of a GT object between its first and last match. */
  frag: number;
  /** GT ids matched in >= 80% / 20%..80% / < 20% of their frames (py-motmetrics boundaries). */
  mt: number;
  pt: number;
  ml: number;
  /** 1 - (FN + FP + IDSW) / numGt. */
  mota: number;
  /** Mean IoU of matched pairs (NOT py-motmetrics' 1 - IoU distance). */
  motp: number;
  recall: number;
  precision: number;
  idtp: number;
  idfp: number;
  idfn: number;
  idf1: number;
  idp: number;
  idr: number;
  hota?: HotaMetrics;
}

export function evaluateMot(gt: readonly MotBox[], hyp: readonly MotBox[], options: MotMetricsOptions = {}): MotMetrics {
  const thr = options.iouThreshold ?? 0.5;
  const p = prepare(gt, hyp);
  const nG = p.nGtIds;
  const nH = p.nHypIds;

  // Per GT id: last matched hypothesis, frame index (in p.frames) of that match, counts, frag state.
  const lastHyp = new Int32Array(nG).fill(-1);
  const lastMatchAt = new Int32Array(nG).fill(-2);
  const present = new Int32Array(nG);
  const matched = new Int32Array(nG);
  const pendingFrag = new Uint8Array(nG);
  const wasMatched = new Uint8Array(nG);
  const hypLocal = new Int32Array(nH).fill(-1);
  // Frames in which each (gt id, hyp id) pair overlaps enough to count for IDF1.
  const pairFrames = new Map<number, number>();

  let tp = 0, fp = 0, fn = 0, idsw = 0, frag = 0, iouSum = 0;

  for (let fi = 0; fi < p.frames.length; fi++) {
    const f = p.frames[fi];
    const gi = p.gtByFrame.get(f) ?? EMPTY;
    const hi = p.hypByFrame.get(f) ?? EMPTY;
    const ng = gi.length, nh = hi.length;
    const iou = iouMatrix(packBoxes(gt, gi), ng, packBoxes(hyp, hi), nh);
    for (let j = 0; j < nh; j++) hypLocal[p.hypDense[hi[j]]] = j;

    const gtTo = new Int32Array(ng).fill(-1);
    const hypTaken = new Uint8Array(nh);
    // 1. Keep last frame's correspondences that are still valid (CLEAR MOT).
    for (let i = 0; i < ng; i++) {
      const g = p.gtDense[gi[i]];
      if (lastMatchAt[g] !== fi - 1 || lastHyp[g] < 0) continue;
      const j = hypLocal[lastHyp[g]];
      if (j < 0 || hypTaken[j] || !(iou[i * nh + j] >= thr)) continue;
      gtTo[i] = j;
      hypTaken[j] = 1;
    }
    // 2. Max-cardinality min-distance assignment of everything still free.
    const freeG: number[] = [];
    const freeH: number[] = [];
    for (let i = 0; i < ng; i++) if (gtTo[i] < 0) freeG.push(i);
    for (let j = 0; j < nh; j++) if (!hypTaken[j]) freeH.push(j);
    if (freeG.length > 0 && freeH.length > 0) {
      const cost = new Float64Array(freeG.length * freeH.length);
      for (let a = 0; a < freeG.length; a++) {
        for (let b = 0; b < freeH.length; b++) {
          const v = iou[freeG[a] * nh + freeH[b]];
          cost[a * freeH.length + b] = v >= thr ? 1 - v : NaN;
        }
      }
      const asg = maxMatchAssignment(cost, freeG.length, freeH.length);
      for (let a = 0; a < freeG.length; a++) {
        const b = asg.rowToCol[a];
        if (b >= 0) gtTo[freeG[a]] = freeH[b];
      }
    }

    let m = 0;
    for (let i = 0; i < ng; i++) {
      const g = p.gtDense[gi[i]];
      present[g]++;
      const j = gtTo[i];
      if (j < 0) {
        if (wasMatched[g]) pendingFrag[g] = 1;
        wasMatched[g] = 0;
        continue;
      }
      const h = p.hypDense[hi[j]];
      if (lastHyp[g] >= 0 && lastHyp[g] !== h) idsw++;
      lastHyp[g] = h;
      lastMatchAt[g] = fi;
      matched[g]++;
      frag += pendingFrag[g];
      pendingFrag[g] = 0;
      wasMatched[g] = 1;
      iouSum += iou[i * nh + j];
      m++;
    }
    tp += m;
    fn += ng - m;
    fp += nh - m;

    for (let i = 0; i < ng; i++) {
      const key = p.gtDense[gi[i]] * nH;
      for (let j = 0; j < nh; j++) {
        if (iou[i * nh + j] >= thr) {
          const k = key + p.hypDense[hi[j]];
          pairFrames.set(k, (pairFrames.get(k) ?? 0) + 1);
        }
      }
    }
    for (let j = 0; j < nh; j++) hypLocal[p.hypDense[hi[j]]] = -1;
  }

  let mt = 0, pt = 0, ml = 0;
  for (let g = 0; g < nG; g++) {
    const r = matched[g] / present[g];
    if (r >= 0.8) mt++;
    else if (r >= 0.2) pt++;
    else ml++;
  }

  const idtp = identityTruePositives(pairFrames, nH);
  const numGt = gt.length;
  const numHyp = hyp.length;
  const result: MotMetrics = {
    frames: p.frames.length,
    numGt,
    numHyp,
    gtTracks: nG,
    hypTracks: nH,
    tp, fp, fn, idsw, frag, mt, pt, ml,
    mota: 1 - div(fn + fp + idsw, numGt),
    motp: div(iouSum, tp),
    recall: div(tp, numGt),
    precision: div(tp, tp + fp),
    idtp,
    idfp: numHyp - idtp,
    idfn: numGt - idtp,
    idf1: div(2 * idtp, numGt + numHyp),
    idp: div(idtp, numHyp),
    idr: div(idtp, numGt),
  };
  if (options.hota ?? true) result.hota = computeHota(gt, hyp, p);
  return result;
}

/** Max-weight one-to-one matching of GT ids to result ids on co-occurrence counts. */
function identityTruePositives(pairFrames: Map<number, number>, nH: number): number {
  if (pairFrames.size === 0) return 0;
  // Only ids that overlap someone can be matched usefully; keep the matrix to those.
  const rowOf = new Map<number, number>();
  const colOf = new Map<number, number>();
  for (const k of pairFrames.keys()) {
    const g = Math.floor(k / nH), h = k - g * nH;
    if (!rowOf.has(g)) rowOf.set(g, rowOf.size);
    if (!colOf.has(h)) colOf.set(h, colOf.size);
  }
  const R = rowOf.size, C = colOf.size;
  const cost = new Float64Array(R * C);
  for (const [k, n] of pairFrames) {
    const g = Math.floor(k / nH), h = k - g * nH;
    cost[rowOf.get(g)! * C + colOf.get(h)!] = -n;
  }
  const rowToCol = solveAssignment(cost, R, C);
  let idtp = 0;
  for (let r = 0; r < R; r++) if (rowToCol[r] >= 0) idtp -= cost[r * C + rowToCol[r]];
  return idtp;
}

type Column = [header: string, get: (m: MotMetrics) => number | undefined, kind: "pct" | "int"];

const COLUMNS: Column[] = [
  ["IDF1", (m) => m.idf1, "pct"],
  ["IDP", (m) => m.idp, "pct"],
  ["IDR", (m) => m.idr, "pct"],
  ["Rcll", (m) => m.recall, "pct"],
  ["Prcn", (m) => m.precision, "pct"],
  ["GT", (m) => m.gtTracks, "int"],
  ["MT", (m) => m.mt, "int"],
  ["PT", (m) => m.pt, "int"],
  ["ML", (m) => m.ml, "int"],
  ["FP", (m) => m.fp, "int"],
  ["FN", (m) => m.fn, "int"],
  ["IDs", (m) => m.idsw, "int"],
  ["FM", (m) => m.frag, "int"],
  ["MOTA", (m) => m.mota, "pct"],
  ["MOTP", (m) => m.motp, "pct"],
  ["HOTA", (m) => m.hota?.hota, "pct"],
  ["DetA", (m) => m.hota?.detA, "pct"],
  ["AssA", (m) => m.hota?.assA, "pct"],
  ["LocA", (m) => m.hota?.locA, "pct"],
];

/**
 * Fixed-width table in the familiar py-motmetrics column order; percentages with one decimal.
 * MOTP here is mean IoU (see top of file). Pass a record to get one row per sequence.
 */
export function formatMetrics(metrics: MotMetrics | Record<string, MotMetrics>, name = "seq"): string {
  const rows: [string, MotMetrics][] = "mota" in metrics && typeof metrics.mota === "number"
    ? [[name, metrics as MotMetrics]]
    : Object.entries(metrics as Record<string, MotMetrics>);
  const cols = COLUMNS.filter(([, get]) => rows.some(([, m]) => get(m) !== undefined));
  const cell = (v: number | undefined, kind: "pct" | "int") =>
    v === undefined ? "-" : Number.isNaN(v) ? "nan" : kind === "pct" ? `${(100 * v).toFixed(1)}%` : String(v);
  const table = [["", ...cols.map(([h]) => h)], ...rows.map(([n, m]) => [n, ...cols.map(([, get, kind]) => cell(get(m), kind))])];
  const widths = table[0].map((_, c) => Math.max(...table.map((r) => r[c].length)));
  return table.map((r) => r.map((s, c) => (c === 0 ? s.padEnd(widths[c]) : s.padStart(widths[c]))).join("  ")).join("\n");
}
