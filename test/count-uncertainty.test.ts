// Window-count intervals from calibration residuals: the arithmetic, and coverage on simulated
// counting errors that follow the assumed error model (a calibration bias shared by all frames,
// frame errors alike over a few seconds).
import assert from "node:assert/strict";
import { test } from "node:test";
import { normalQuantile, windowCountInterval, windowedCounts } from "../loaders/count/uncertainty.ts";

const residuals = { n: 20, mean: 0, sd: 2, mae: 1.6, rmse: 2 };

test("normalQuantile matches the standard normal table", () => {
  assert.ok(Math.abs(normalQuantile(0.95) - 1.644854) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959964) < 1e-5);
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-12);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232) < 1e-5);
  assert.throws(() => normalQuantile(1));
});

test("a window's interval narrows with its length but never below the calibration's own uncertainty", () => {
  const frame = (m: number) => windowCountInterval(new Array(m).fill(30), { residuals, frameSeconds: 0.5, drift: 0 });
  const one = frame(1), minute = frame(120), hour = frame(7200);
  assert.equal(one.value, 30);
  assert.ok(one.hi - one.lo > minute.hi - minute.lo && minute.hi - minute.lo > hour.hi - hour.lo);
  // floor: z * sd / sqrt(nCal)
  const floor = 2 * normalQuantile(0.95) * (2 / Math.sqrt(20));
  assert.ok(hour.hi - hour.lo >= floor && hour.hi - hour.lo < floor * 1.05, `${hour.hi - hour.lo} vs ${floor}`);
  // one frame alone: about +- z * sd
  assert.ok(Math.abs((one.hi - one.lo) / 2 - normalQuantile(0.95) * Math.sqrt(4 / 20 + 4)) < 1e-9);
});

test("the calibration's mean residual is taken off, sums scale with the frames, bounds stay >= 0", () => {
  const w = windowCountInterval([10, 12, 14], { residuals: { ...residuals, mean: 1 }, frameSeconds: 1 });
  assert.equal(w.value, 11);
  const sum = windowCountInterval([10, 12, 14], { residuals: { ...residuals, mean: 1 }, frameSeconds: 1, kind: "sum" });
  assert.ok(Math.abs(sum.value - 33) < 1e-9 && Math.abs(sum.hi - sum.value - 3 * (w.hi - w.value)) < 1e-9);
  const empty = windowCountInterval([0.2, 0.1], { residuals, frameSeconds: 1 });
  assert.equal(empty.lo, 0);
  assert.ok(Number.isNaN(windowCountInterval([], { residuals, frameSeconds: 1 }).value));
});

test("windowedCounts cuts a per-frame series into windows of fixed length", () => {
  const t = Array.from({ length: 25 }, (_, i) => i * 0.5); // 12.5 s at 2 fps
  const w = windowedCounts(t, t.map(() => 5), 5, { residuals, frameSeconds: 0.5 });
  assert.deepEqual(w.map((x) => [x.t0, x.t1, x.frames]), [[0, 5, 10], [5, 10, 10], [10, 15, 5]]);
});

test("90% intervals hold the truth about 90% of the time when errors follow the model", () => {
  let seed = 12345;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
  const fps = 2, corrSeconds = 4, sd = 2, nCal = 20;
  let inside = 0;
  const trials = 2000;
  for (let k = 0; k < trials; k++) {
    const m = 10 + Math.floor(rand() * 200); // 5 s to 105 s windows
    const bias = (sd / Math.sqrt(nCal)) * gauss();
    // frame errors: blocks of corrSeconds share one draw (alike over a few seconds)
    const per = corrSeconds * fps;
    let block = 0;
    const truth: number[] = [], est: number[] = [];
    for (let i = 0; i < m; i++) {
      if (i % per === 0) block = sd * gauss();
      const c = 20 + 10 * Math.sin(i / 30);
      truth.push(c);
      est.push(c + bias + block);
    }
    const w = windowCountInterval(est, { residuals: { n: nCal, mean: 0, sd, mae: 0, rmse: 0 }, frameSeconds: 1 / fps, correlationSeconds: corrSeconds, drift: 0 });
    const tm = truth.reduce((a, v) => a + v, 0) / m;
    if (tm >= w.lo && tm <= w.hi) inside++;
  }
  const coverage = inside / trials;
  assert.ok(coverage > 0.86 && coverage < 0.97, `coverage ${coverage}`);
});

test("the pages' window interval (src/components/count-interval.js) is the same rule as smw report's", async () => {
  const { countInterval } = await import("../src/components/count-interval.js");
  const { DEFAULT_CORRELATION_SECONDS, DEFAULT_DRIFT } = await import("../loaders/count/uncertainty.ts");
  const r = { n: 18, mean: 0.7, sd: 2.3, mae: 1.9, rmse: 2.4 };
  let seed = 3;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (const [frames, frameSeconds, smoothSeconds] of [[1, 0.04, 0], [40, 0.5, 1], [900, 0.2, 0], [30, 1, 3]] as const) {
    const est = Array.from({ length: frames }, () => 20 + 10 * rand());
    const ts = windowCountInterval(est, { residuals: r, frameSeconds, smoothSeconds });
    const js = countInterval(est, { residuals: r, frameSeconds, smoothSeconds, drift: DEFAULT_DRIFT, correlationSeconds: DEFAULT_CORRELATION_SECONDS });
    for (const k of ["value", "lo", "hi"] as const) assert.ok(Math.abs(ts[k] - js[k]) < 1e-6, `${k} ${ts[k]} vs ${js[k]} (${frames} frames)`);
    const summed = countInterval({ sum: est.reduce((a, v) => a + v, 0), n: est.length }, { residuals: r, frameSeconds, smoothSeconds, drift: DEFAULT_DRIFT, correlationSeconds: DEFAULT_CORRELATION_SECONDS });
    assert.ok(Math.abs(summed.hi - js.hi) < 1e-9);
  }
  const none = countInterval([3, 4, 5], { residuals: null, frameSeconds: 0.1, smoothSeconds: 0, drift: DEFAULT_DRIFT, correlationSeconds: DEFAULT_CORRELATION_SECONDS });
  assert.equal(none.value, 4);
  assert.ok(Number.isNaN(none.lo) && Number.isNaN(none.hi), "no calibration, no interval");
});
