// The interval of a window's people count, in the browser: the same rule as
// loaders/count/uncertainty.ts (windowCountInterval), which smw report uses; a test holds the two
// equal. Pages cannot import from loaders/, so the few lines of the formula live here too.

/** z of a two-sided normal interval at 80, 90, 95 or 99%. */
const Z = {0.8: 1.2815515655446004, 0.9: 1.6448536269514722, 0.95: 1.959963984540054, 0.99: 2.5758293035489004};

/**
 * @param {ArrayLike<number> | {sum: number, n: number}} frames per-frame estimates in the window,
 *   or their sum and number when they come pre-summed by bin
 * @param {{residuals: {n: number, mean: number, sd: number} | null, smoothSeconds?: number,
 *   frameSeconds: number, drift: number, correlationSeconds: number}} counting the `counting`
 *   object of data/people-in-view.json; residuals null (uncalibrated) gives no interval
 * @param {number} [level] 0.8, 0.9, 0.95 or 0.99
 * @returns {{value: number, lo: number, hi: number, level: number, frames: number}} value is the
 *   mean people in view, corrected by the calibration's mean error; lo and hi are NaN without a
 *   calibration
 */
export function countInterval(frames, counting, level = 0.9) {
  const {sum, n} = "sum" in frames ? frames : {sum: Array.prototype.reduce.call(frames, (a, v) => a + v, 0), n: frames.length};
  if (!(n > 0)) return {value: NaN, lo: NaN, hi: NaN, level, frames: 0};
  const r = counting.residuals;
  const value = Math.max(0, sum / n - (r ? r.mean : 0));
  if (!r) return {value, lo: NaN, hi: NaN, level, frames: n};
  // errors of frames closer than this are alike (the same people stay hidden): fewer independent frames
  const correlation = Math.max(counting.correlationSeconds, 2 * (counting.smoothSeconds ?? 0) + counting.frameSeconds);
  const mEff = Math.min(n, Math.max(1, (n * counting.frameSeconds) / correlation));
  const sd = Math.sqrt((r.sd * r.sd) / Math.max(1, r.n) + (r.sd * r.sd) / mEff + (counting.drift * value) ** 2);
  const z = Z[/** @type {keyof typeof Z} */ (level)];
  if (z === undefined) throw new Error(`countInterval: level must be one of ${Object.keys(Z).join(", ")}`);
  return {value, lo: Math.max(0, value - z * sd), hi: value + z * sd, level, frames: n};
}
