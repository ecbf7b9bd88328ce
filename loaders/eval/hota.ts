// HOTA (Luiten et al. 2021) as TrackEval computes it: averaged over IoU thresholds 0.05..0.95,
// with the per-frame matching driven by IoU x global alignment score.
import { iouMatrix } from "../geometry/box.ts";
import { solveAssignment } from "../track/assignment.ts";
import { EMPTY, packBoxes, type MotBox, type Prepared } from "./mot-frames.ts";

export interface HotaMetrics {
  /** Means over the 19 alphas. */
  hota: number;
  detA: number;
  assA: number;
  locA: number;
  detRe: number;
  detPr: number;
  assRe: number;
  assPr: number;
  alphas: number[];
  hotaByAlpha: number[];
}

/** TrackEval's alpha grid: np.arange(0.05, 0.99, 0.05). */
const HOTA_ALPHAS = Array.from({ length: 19 }, (_, i) => 0.05 + i * 0.05);
const EPS = 2.220446049250313e-16;

export function computeHota(gt: readonly MotBox[], hyp: readonly MotBox[], p: Prepared): HotaMetrics {
  const nG = p.nGtIds, nH = p.nHypIds;
  const gtCount = new Float64Array(nG);
  const hypCount = new Float64Array(nH);
  // Pass 1: soft co-occurrence of id pairs -> global alignment score per pair.
  const potential = new Map<number, number>();
  for (const f of p.frames) {
    const gi = p.gtByFrame.get(f) ?? EMPTY;
    const hi = p.hypByFrame.get(f) ?? EMPTY;
    for (const i of gi) gtCount[p.gtDense[i]]++;
    for (const j of hi) hypCount[p.hypDense[j]]++;
    const ng = gi.length, nh = hi.length;
    if (ng === 0 || nh === 0) continue;
    const S = iouMatrix(packBoxes(gt, gi), ng, packBoxes(hyp, hi), nh);
    const rowSum = new Float64Array(ng);
    const colSum = new Float64Array(nh);
    for (let i = 0; i < ng; i++) for (let j = 0; j < nh; j++) { rowSum[i] += S[i * nh + j]; colSum[j] += S[i * nh + j]; }
    for (let i = 0; i < ng; i++) {
      for (let j = 0; j < nh; j++) {
        const s = S[i * nh + j];
        const denom = rowSum[i] + colSum[j] - s;
        if (!(denom > EPS) || s === 0) continue;
        const k = p.gtDense[gi[i]] * nH + p.hypDense[hi[j]];
        potential.set(k, (potential.get(k) ?? 0) + s / denom);
      }
    }
  }
  const align = (k: number): number => {
    const pm = potential.get(k);
    if (pm === undefined) return 0;
    const g = Math.floor(k / nH);
    return pm / (gtCount[g] + hypCount[k - g * nH] - pm);
  };

  const A = HOTA_ALPHAS.length;
  const TP = new Float64Array(A), FN = new Float64Array(A), FP = new Float64Array(A), loc = new Float64Array(A);
  const matchCounts = HOTA_ALPHAS.map(() => new Map<number, number>());
  // Pass 2: per-frame matching maximising IoU x alignment, then thresholded at each alpha.
  for (const f of p.frames) {
    const gi = p.gtByFrame.get(f) ?? EMPTY;
    const hi = p.hypByFrame.get(f) ?? EMPTY;
    const ng = gi.length, nh = hi.length;
    if (ng === 0 || nh === 0) {
      for (let a = 0; a < A; a++) { FP[a] += nh; FN[a] += ng; }
      continue;
    }
    const S = iouMatrix(packBoxes(gt, gi), ng, packBoxes(hyp, hi), nh);
    const score = new Float64Array(ng * nh);
    for (let i = 0; i < ng; i++) {
      const key = p.gtDense[gi[i]] * nH;
      for (let j = 0; j < nh; j++) score[i * nh + j] = -align(key + p.hypDense[hi[j]]) * S[i * nh + j];
    }
    const rowToCol = solveAssignment(score, ng, nh);
    for (let a = 0; a < A; a++) {
      let m = 0;
      for (let i = 0; i < ng; i++) {
        const j = rowToCol[i];
        if (j < 0) continue;
        const s = S[i * nh + j];
        if (!(s >= HOTA_ALPHAS[a] - EPS)) continue;
        m++;
        loc[a] += s;
        const k = p.gtDense[gi[i]] * nH + p.hypDense[hi[j]];
        matchCounts[a].set(k, (matchCounts[a].get(k) ?? 0) + 1);
      }
      TP[a] += m;
      FN[a] += ng - m;
      FP[a] += nh - m;
    }
  }

  const per = { hota: [] as number[], detA: [] as number[], assA: [] as number[], locA: [] as number[],
    detRe: [] as number[], detPr: [] as number[], assRe: [] as number[], assPr: [] as number[] };
  for (let a = 0; a < A; a++) {
    let assA = 0, assRe = 0, assPr = 0;
    for (const [k, mc] of matchCounts[a]) {
      const g = Math.floor(k / nH), h = k - g * nH;
      assA += mc * (mc / Math.max(1, gtCount[g] + hypCount[h] - mc));
      assRe += mc * (mc / Math.max(1, gtCount[g]));
      assPr += mc * (mc / Math.max(1, hypCount[h]));
    }
    const tpa = Math.max(1, TP[a]);
    per.assA.push(assA / tpa);
    per.assRe.push(assRe / tpa);
    per.assPr.push(assPr / tpa);
    per.locA.push(Math.max(1e-10, loc[a]) / Math.max(1e-10, TP[a]));
    per.detRe.push(TP[a] / Math.max(1, TP[a] + FN[a]));
    per.detPr.push(TP[a] / Math.max(1, TP[a] + FP[a]));
    const detA = TP[a] / Math.max(1, TP[a] + FN[a] + FP[a]);
    per.detA.push(detA);
    per.hota.push(Math.sqrt(detA * per.assA[a]));
  }
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  return {
    hota: mean(per.hota),
    detA: mean(per.detA),
    assA: mean(per.assA),
    locA: mean(per.locA),
    detRe: mean(per.detRe),
    detPr: mean(per.detPr),
    assRe: mean(per.assRe),
    assPr: mean(per.assPr),
    alphas: [...HOTA_ALPHAS],
    hotaByAlpha: per.hota,
  };
}
