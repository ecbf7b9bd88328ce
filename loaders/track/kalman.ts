// Constant-velocity Kalman filter on the box state used by DeepSORT/ByteTrack:
//   x = [cx, cy, a, h, vcx, vcy, va, vh]   (a = w/h aspect ratio, h = height in px)
// Noise is proportional to box height (the ByteTrack choice), so one set of weights works for
// people near and far from the camera. Every operation writes into the state's own typed arrays
// or module scratch, so predict/update allocate nothing.

export interface KalmanNoise {
  /** Position std as a fraction of box height (per frame). */
  stdWeightPosition: number;
  /** Velocity std as a fraction of box height (per frame). */
  stdWeightVelocity: number;
}

/** ByteTrack/DeepSORT values: 1/20 and 1/160. */
export const DEFAULT_KALMAN_NOISE: Readonly<KalmanNoise> = Object.freeze({
  stdWeightPosition: 1 / 20,
  stdWeightVelocity: 1 / 160,
});

export interface KalmanState {
  /** 8-vector [cx, cy, a, h, vcx, vcy, va, vh]; velocities in units per frame. */
  mean: Float64Array;
  /** 8x8 row-major covariance. */
  cov: Float64Array;
}

export function createKalmanState(): KalmanState {
  return { mean: new Float64Array(8), cov: new Float64Array(64) };
}

/** Start a track from one measurement: zero velocity, with wide velocity uncertainty. */
export function kalmanInitiate(
  s: KalmanState, cx: number, cy: number, a: number, h: number,
  noise: KalmanNoise = DEFAULT_KALMAN_NOISE,
): void {
  const m = s.mean;
  m[0] = cx; m[1] = cy; m[2] = a; m[3] = h;
  m[4] = 0; m[5] = 0; m[6] = 0; m[7] = 0;
  const wp = noise.stdWeightPosition * h;
  const wv = noise.stdWeightVelocity * h;
  const P = s.cov;
  P.fill(0);
  P[0] = (2 * wp) ** 2;
  P[9] = (2 * wp) ** 2;
  P[18] = 1e-4; // (1e-2)^2: aspect ratio is stable
  P[27] = (2 * wp) ** 2;
  P[36] = (10 * wv) ** 2;
  P[45] = (10 * wv) ** 2;
  P[54] = 1e-10; // (1e-5)^2
  P[63] = (10 * wv) ** 2;
}

/**
 * Advance the state by `dt` frames (dt may be > 1 when frames are skipped, e.g. an analysis
 * stride). Process noise variance is scaled by dt, a random-walk approximation that keeps the
 * filter consistent whatever the stride without having to call predict dt times.
 */
export function kalmanPredict(s: KalmanState, dt = 1, noise: KalmanNoise = DEFAULT_KALMAN_NOISE): void {
  const m = s.mean;
  const P = s.cov;
  const h = m[3];
  m[0] += dt * m[4];
  m[1] += dt * m[5];
  m[2] += dt * m[6];
  m[3] += dt * m[7];
  // F P F^T with F = [[I, dt I], [0, I]] done block-wise in place: each (r, c) touches its own
  // four entries, so no temporary matrix is needed.
  const dt2 = dt * dt;
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c < 4; c++) {
      const ia = r * 8 + c;
      const ib = ia + 4;
      const ic = ia + 32;
      const d = P[ic + 4];
      const b = P[ib];
      const cc = P[ic];
      P[ia] += dt * (b + cc) + dt2 * d;
      P[ib] = b + dt * d;
      P[ic] = cc + dt * d;
    }
  }
  const wp = noise.stdWeightPosition * h;
  const wv = noise.stdWeightVelocity * h;
  P[0] += dt * wp * wp;
  P[9] += dt * wp * wp;
  P[18] += dt * 1e-4;
  P[27] += dt * wp * wp;
  P[36] += dt * wv * wv;
  P[45] += dt * wv * wv;
  P[54] += dt * 1e-10;
  P[63] += dt * wv * wv;
}

// Update scratch: S's Cholesky factor (4x4), H P rows (4x8), S^-1 H P (4x8).
const L = new Float64Array(16);
const HP = new Float64Array(32);
const X = new Float64Array(32);
const Y = new Float64Array(4);

/** Fold in a measurement (cx, cy, a, h). */
export function kalmanUpdate(
  s: KalmanState, cx: number, cy: number, a: number, h: number,
  noise: KalmanNoise = DEFAULT_KALMAN_NOISE,
): void {
  const m = s.mean;
  const P = s.cov;
  const wp = noise.stdWeightPosition * m[3];
  const rPos = wp * wp;
  // S = H P H^T + R, factorised straight into L (lower triangle).
  for (let r = 0; r < 4; r++) {
    for (let c = 0; c <= r; c++) {
      let v = P[r * 8 + c];
      if (r === c) v += r === 2 ? 1e-2 : rPos; // aspect measurement std 1e-1
      for (let k = 0; k < c; k++) v -= L[r * 4 + k] * L[c * 4 + k];
      L[r * 4 + c] = r === c ? Math.sqrt(Math.max(v, 1e-12)) : v / L[c * 4 + c];
    }
  }
  for (let k = 0; k < 32; k++) HP[k] = P[k]; // first four rows of P are H P
  // X = S^-1 H P by forward then back substitution, one column of H P at a time.
  for (let col = 0; col < 8; col++) {
    for (let r = 0; r < 4; r++) {
      let v = HP[r * 8 + col];
      for (let k = 0; k < r; k++) v -= L[r * 4 + k] * X[k * 8 + col];
      X[r * 8 + col] = v / L[r * 4 + r];
    }
    for (let r = 3; r >= 0; r--) {
      let v = X[r * 8 + col];
      for (let k = r + 1; k < 4; k++) v -= L[k * 4 + r] * X[k * 8 + col];
      X[r * 8 + col] = v / L[r * 4 + r];
    }
  }
  // Kalman gain K = (S^-1 H P)^T = X^T because P is symmetric.
  Y[0] = cx - m[0];
  Y[1] = cy - m[1];
  Y[2] = a - m[2];
  Y[3] = h - m[3];
  for (let r = 0; r < 8; r++) {
    m[r] += X[r] * Y[0] + X[8 + r] * Y[1] + X[16 + r] * Y[2] + X[24 + r] * Y[3];
  }
  // P -= K H P, then re-symmetrise so rounding never accumulates into an asymmetric matrix.
  for (let r = 0; r < 8; r++) {
    for (let c = 0; c < 8; c++) {
      P[r * 8 + c] -= X[r] * HP[c] + X[8 + r] * HP[8 + c] + X[16 + r] * HP[16 + c] + X[24 + r] * HP[24 + c];
    }
  }
  for (let r = 1; r < 8; r++) {
    for (let c = 0; c < r; c++) {
      const v = (P[r * 8 + c] + P[c * 8 + r]) / 2;
      P[r * 8 + c] = v;
      P[c * 8 + r] = v;
    }
  }
}

/** Write the state's box as x1,y1,x2,y2 at box index `i` of `out`. */
export function kalmanBox(s: KalmanState, out: { [k: number]: number }, i = 0): void {
  const m = s.mean;
  const h = m[3];
  const w = m[2] * h;
  const p = 4 * i;
  out[p] = m[0] - w / 2;
  out[p + 1] = m[1] - h / 2;
  out[p + 2] = m[0] + w / 2;
  out[p + 3] = m[1] + h / 2;
}

/** Convert box `i` of packed x1,y1,x2,y2 boxes to the (cx, cy, a, h) measurement, into `out[0..3]`. */
export function boxToXyah(boxes: ArrayLike<number>, i: number, out: { [k: number]: number }): void {
  const p = 4 * i;
  const w = boxes[p + 2] - boxes[p];
  const h = boxes[p + 3] - boxes[p + 1];
  out[0] = boxes[p] + w / 2;
  out[1] = boxes[p + 1] + h / 2;
  // Guard zero-height boxes: a = w / 0 would poison the state with Infinity forever.
  out[2] = h > 0 ? w / h : 0;
  out[3] = h;
}
