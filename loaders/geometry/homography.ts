// A plane-to-plane mapping (homography) from point pairs: video pixels of the floor to metres on
// a floor plan. Fitted by the normalised direct linear transform (Hartley & Zisserman, alg. 4.2):
// both point sets are moved to their centroid and scaled to a mean distance of sqrt(2), the 2n x 9
// system A h = 0 is solved for the h of least |A h| (the eigenvector of AᵀA with the smallest
// eigenvalue), and the result is taken back to the original coordinates. Without the
// normalisation, pixel coordinates in the hundreds square to 1e5 beside entries of 1 and the
// solution drifts with them. Pure functions; every check returns a message a person can act on.

export type Pt = readonly [number, number];
/** Row-major 3x3. */
export type Mat3 = [number, number, number, number, number, number, number, number, number];

export interface HomographyFit {
  /** Maps `from` (e.g. video pixels) to `to` (e.g. floor metres). */
  H: Mat3;
  /** Distance between each mapped `from` point and its `to` point, in `to` units. */
  errors: number[];
  rms: number;
  max: number;
  /** Index of the worst point. */
  worst: number;
}

/** Applies H to (x, y); null where the point maps to or beyond the horizon (w <= 0 after the sign of the fit's points). */
export function applyHomography(H: Mat3, x: number, y: number): [number, number] | null {
  const w = H[6] * x + H[7] * y + H[8];
  if (!(w > 1e-12)) return null;
  return [(H[0] * x + H[1] * y + H[2]) / w, (H[3] * x + H[4] * y + H[5]) / w];
}

/** Similarity that moves the points' centroid to 0 and their mean distance from it to sqrt(2). */
function normaliser(points: readonly Pt[]): Mat3 {
  const n = points.length;
  const cx = points.reduce((s, p) => s + p[0], 0) / n;
  const cy = points.reduce((s, p) => s + p[1], 0) / n;
  const mean = points.reduce((s, p) => s + Math.hypot(p[0] - cx, p[1] - cy), 0) / n;
  const k = mean > 0 ? Math.SQRT2 / mean : 1;
  return [k, 0, -k * cx, 0, k, -k * cy, 0, 0, 1];
}

export function multiply(a: Mat3, b: Mat3): Mat3 {
  const out = new Array(9).fill(0) as Mat3;
  for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) for (let k = 0; k < 3; k++) out[r * 3 + c] += a[r * 3 + k] * b[k * 3 + c];
  return out;
}

/** Inverse of a similarity [k 0 tx; 0 k ty; 0 0 1]. */
function invertSimilarity(t: Mat3): Mat3 {
  const k = t[0];
  return [1 / k, 0, -t[2] / k, 0, 1 / k, -t[5] / k, 0, 0, 1];
}

/**
 * Eigen-decomposition of a symmetric matrix by cyclic Jacobi rotations (small n; exact enough for
 * 9x9 in a few sweeps). Returns eigenvalues ascending, with their eigenvectors as rows.
 */
export function symmetricEigen(m: number[][]): { values: number[]; vectors: number[][] } {
  const n = m.length;
  const a = m.map((row) => row.slice());
  const v: number[][] = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p][q] ** 2;
    if (off < 1e-30) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        if (Math.abs(a[p][q]) < 1e-300) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k][p], akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p][k], aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vpk = v[p][k], vqk = v[q][k];
          v[p][k] = c * vpk - s * vqk;
          v[q][k] = s * vpk + c * vqk;
        }
      }
    }
  }
  const order = a.map((_, i) => i).sort((i, j) => a[i][i] - a[j][j]);
  return { values: order.map((i) => a[i][i]), vectors: order.map((i) => v[i]) };
}

/** Twice the area of triangle abc (0 when collinear). */
const area2 = (a: Pt, b: Pt, c: Pt) => (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);

/**
 * Why these points cannot fix a homography, or null. A homography needs 4 points with no 3 on one
 * line (on either side); with more points, they must not all lie near one line.
 */
export function degeneracy(from: readonly Pt[], to: readonly Pt[]): string | null {
  if (from.length !== to.length) return `needs as many floor points as video points (${from.length} and ${to.length})`;
  if (from.length < 4) return `needs at least 4 point pairs (got ${from.length})`;
  for (const [side, pts] of [["video", from], ["floor", to]] as const) {
    const span = Math.max(...pts.map((p) => Math.hypot(p[0] - pts[0][0], p[1] - pts[0][1])));
    const tol = (span * span) * 1e-3; // triangle areas below 0.1% of the span squared: on one line
    if (!(span > 0)) return `all ${side} points are the same point`;
    if (pts.length === 4) {
      for (let i = 0; i < 4; i++) {
        const [a, b, c] = pts.filter((_, k) => k !== i);
        if (Math.abs(area2(a, b, c)) <= tol) {
          const idx = [0, 1, 2, 3].filter((k) => k !== i).map((k) => k + 1);
          return `${side} points ${idx.join(", ")} lie on one line; with 4 points no 3 may be in line: move one or add points`;
        }
      }
    } else {
      let best = 0;
      for (let i = 0; i < pts.length; i++) for (let j = i + 1; j < pts.length; j++) for (let k = j + 1; k < pts.length; k++) best = Math.max(best, Math.abs(area2(pts[i], pts[j], pts[k])));
      if (best <= tol) return `all ${side} points lie on one line; pick points spread over the floor`;
    }
  }
  return null;
}

/** The homography taking `from` to `to` (>= 4 pairs), with its reprojection errors; throws on degenerate points. */
export function fitHomography(from: readonly Pt[], to: readonly Pt[]): HomographyFit {
  const why = degeneracy(from, to);
  if (why) throw new Error(why);
  const ts = normaliser(from), td = normaliser(to);
  const ns = from.map((p) => [ts[0] * p[0] + ts[2], ts[4] * p[1] + ts[5]]);
  const nd = to.map((p) => [td[0] * p[0] + td[2], td[4] * p[1] + td[5]]);
  const ata = Array.from({ length: 9 }, () => new Array(9).fill(0));
  const add = (row: number[]) => {
    for (let i = 0; i < 9; i++) for (let j = 0; j < 9; j++) ata[i][j] += row[i] * row[j];
  };
  ns.forEach(([x, y], i) => {
    const [u, v] = nd[i];
    add([0, 0, 0, -x, -y, -1, v * x, v * y, v]);
    add([x, y, 1, 0, 0, 0, -u * x, -u * y, -u]);
  });
  const { values, vectors } = symmetricEigen(ata);
  // a second (near-)null direction: the points leave the mapping undetermined
  if (values[1] <= Math.max(1e-12, values[8] * 1e-12)) throw new Error("the points leave the mapping undetermined (a line or a repeated point); spread them over the floor");
  const hn = vectors[0] as Mat3;
  let H = multiply(multiply(invertSimilarity(td), hn), ts);
  // scale so that the points map with w > 0 (the side of the horizon they are on)
  const w0 = H[6] * from[0][0] + H[7] * from[0][1] + H[8];
  const s = 1 / (w0 || 1);
  H = H.map((x) => x * s) as Mat3;
  const errors = from.map(([x, y], i) => {
    const m = applyHomography(H, x, y);
    return m ? Math.hypot(m[0] - to[i][0], m[1] - to[i][1]) : Infinity;
  });
  if (errors.some((e) => !Number.isFinite(e))) throw new Error("some points fall on the far side of the horizon; the points do not lie on one plane as seen");
  const rms = Math.sqrt(errors.reduce((t, e) => t + e * e, 0) / errors.length);
  const max = Math.max(...errors);
  return { H, errors, rms, max, worst: errors.indexOf(max) };
}

/** Area of a polygon (shoelace), in the square of its units. */
export function polygonArea(points: readonly Pt[]): number {
  let s = 0;
  for (let i = 0; i < points.length; i++) {
    const [x1, y1] = points[i], [x2, y2] = points[(i + 1) % points.length];
    s += x1 * y2 - x2 * y1;
  }
  return Math.abs(s) / 2;
}
