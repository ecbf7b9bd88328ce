// How sure a window's count is. The calibration left held-out residuals on its labelled frames
// (per-frame error: mean, spread). A window's count averages many frames, so:
//
//   var(window mean) = sd² / nCal              the calibration's own uncertainty (its weights and
//                                              bias come from nCal frames); does not shrink with
//                                              longer windows
//                    + sd² / mEff              frame-to-frame error, averaged over the window's
//                                              independent frames: mEff = window seconds /
//                                              correlation seconds (errors of neighbouring frames
//                                              are alike: the same people stay hidden), at least 1,
//                                              at most the number of frames
//                    + (drift · value)²        the scene drifting away from the calibration (where
//                                              people stand, who hides whom, light); 8% by default:
//                                              on the mall benchmark the bias of a calibration
//                                              from one 100-second stretch, measured on the rest
//                                              of the clip, ranged from -7% to +9% of the count
//
// and the interval is value - mean residual ± z · sd_window (never below 0). Sums (person-frames,
// person-seconds) scale the same way by the number of frames.
import type { ResidualStats } from "./model.ts";

export interface IntervalOptions {
  residuals: ResidualStats;
  /** Seconds between analysed frames (stride / fps). */
  frameSeconds: number;
  /** "mean": people in view on average (default); "sum": summed over the window's frames. */
  kind?: "mean" | "sum";
  /** Coverage, default 0.9. */
  level?: number;
  /** Seconds over which per-frame errors stay alike (default max(4 s, 2 · smoothSeconds + frameSeconds)). */
  correlationSeconds?: number;
  /** The calibration's smoothing half-width, seconds (makes neighbouring errors alike). */
  smoothSeconds?: number;
  /** Relative drift of the scene away from the calibration, default 0.08. */
  drift?: number;
}

export interface WindowCount {
  /** The estimate, corrected by the calibration's mean residual. */
  value: number;
  lo: number;
  hi: number;
  level: number;
  /** Standard deviation of the window's error. */
  sd: number;
  frames: number;
}

export const DEFAULT_DRIFT = 0.08;
export const DEFAULT_CORRELATION_SECONDS = 4;

/** Interval for the count of one window, from its per-frame estimates. */
export function windowCountInterval(estimates: ArrayLike<number>, o: IntervalOptions): WindowCount {
  const m = estimates.length;
  const level = o.level ?? 0.9;
  if (m === 0) return { value: NaN, lo: NaN, hi: NaN, level, sd: NaN, frames: 0 };
  let sum = 0;
  for (let i = 0; i < m; i++) sum += estimates[i];
  const { sd, n, mean } = o.residuals;
  const meanValue = Math.max(0, sum / m - mean);
  const corr = o.correlationSeconds ?? Math.max(DEFAULT_CORRELATION_SECONDS, 2 * (o.smoothSeconds ?? 0) + o.frameSeconds);
  const mEff = Math.min(m, Math.max(1, (m * o.frameSeconds) / corr));
  const drift = o.drift ?? DEFAULT_DRIFT;
  const sdMean = Math.sqrt((sd * sd) / Math.max(1, n) + (sd * sd) / mEff + (drift * meanValue) ** 2);
  const z = normalQuantile(0.5 + level / 2);
  const scale = o.kind === "sum" ? m : 1;
  const value = meanValue * scale;
  return { value, lo: Math.max(0, value - z * sdMean * scale), hi: value + z * sdMean * scale, level, sd: sdMean * scale, frames: m };
}

/** Intervals for consecutive windows of `windowSeconds` over a per-frame series (times in seconds). */
export function windowedCounts(
  t: ArrayLike<number>,
  estimates: ArrayLike<number>,
  windowSeconds: number,
  o: IntervalOptions,
): (WindowCount & { t0: number; t1: number })[] {
  const out: (WindowCount & { t0: number; t1: number })[] = [];
  let i = 0;
  while (i < t.length) {
    const t0 = Math.floor(t[i] / windowSeconds) * windowSeconds;
    const t1 = t0 + windowSeconds;
    const from = i;
    while (i < t.length && t[i] < t1) i++;
    out.push({ t0, t1, ...windowCountInterval(Array.prototype.slice.call(estimates, from, i), o) });
  }
  return out;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`normalQuantile: p must be in (0, 1), got ${p}`);
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}
