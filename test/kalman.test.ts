import assert from "node:assert/strict";
import { test } from "node:test";
import {
  boxToXyah, createKalmanState, kalmanBox, kalmanInitiate, kalmanPredict, kalmanUpdate,
} from "../loaders/track/kalman.ts";

function symmetric(P: Float64Array): boolean {
  for (let r = 0; r < 8; r++) for (let c = 0; c < r; c++) if (Math.abs(P[r * 8 + c] - P[c * 8 + r]) > 1e-9) return false;
  return true;
}

test("converges to a constant velocity", () => {
  const s = createKalmanState();
  // Box 50x120 moving (+3, -2) px/frame while growing 0.5 px/frame in height.
  const at = (f: number) => [400 + 3 * f, 300 - 2 * f, 50 / (120 + 0.5 * f), 120 + 0.5 * f] as const;
  kalmanInitiate(s, ...at(0));
  for (let f = 1; f <= 60; f++) {
    kalmanPredict(s);
    kalmanUpdate(s, ...at(f));
  }
  assert.ok(Math.abs(s.mean[4] - 3) < 0.05, `vx ${s.mean[4]}`);
  assert.ok(Math.abs(s.mean[5] + 2) < 0.05, `vy ${s.mean[5]}`);
  assert.ok(Math.abs(s.mean[7] - 0.5) < 0.05, `vh ${s.mean[7]}`);
  // Ten frames of prediction without measurements land on the true path.
  kalmanPredict(s, 10);
  const [cx, cy, , h] = at(70);
  assert.ok(Math.abs(s.mean[0] - cx) < 1, `cx ${s.mean[0]} vs ${cx}`);
  assert.ok(Math.abs(s.mean[1] - cy) < 1, `cy ${s.mean[1]} vs ${cy}`);
  assert.ok(Math.abs(s.mean[3] - h) < 1, `h ${s.mean[3]} vs ${h}`);
  assert.ok(symmetric(s.cov));
});

test("noisy measurements: the estimate is smoother than the measurements", () => {
  let seed = 9;
  const noise = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32 - 0.5) * 8; // +-4 px
  const s = createKalmanState();
  kalmanInitiate(s, 100, 200, 0.4, 150);
  let errMeas = 0, errEst = 0, vxSum = 0;
  for (let f = 1; f <= 200; f++) {
    const cx = 100 + 2 * f, mx = cx + noise();
    kalmanPredict(s);
    kalmanUpdate(s, mx, 200 + noise(), 0.4, 150);
    if (f > 50) {
      errMeas += (mx - cx) ** 2;
      errEst += (s.mean[0] - cx) ** 2;
      vxSum += s.mean[4];
    }
  }
  assert.ok(errEst < errMeas, `estimate mse ${errEst / 150} vs measurement mse ${errMeas / 150}`);
  // ByteTrack's process noise lets velocity wander frame to frame; its average must be unbiased.
  assert.ok(Math.abs(vxSum / 150 - 2) < 0.1, `mean vx ${vxSum / 150}`);
});

test("predict grows uncertainty, update shrinks it", () => {
  const s = createKalmanState();
  kalmanInitiate(s, 0, 0, 0.5, 100);
  const p0 = s.cov[0];
  kalmanPredict(s);
  const p1 = s.cov[0];
  kalmanUpdate(s, 0, 0, 0.5, 100);
  assert.ok(p1 > p0 && s.cov[0] < p1);
});

test("box conversion round-trips", () => {
  const z = new Float64Array(4);
  boxToXyah([10, 20, 60, 220], 0, z);
  assert.deepEqual([...z], [35, 120, 0.25, 200]);
  const s = createKalmanState();
  kalmanInitiate(s, z[0], z[1], z[2], z[3]);
  const out = new Float32Array(8);
  kalmanBox(s, out, 1);
  assert.deepEqual([...out.subarray(4)], [10, 20, 60, 220]);
  boxToXyah([0, 0, 10, 0], 0, z); // zero height must not produce Infinity
  assert.equal(z[2], 0);
});
