// Where one simulated person is at any time: keyframes (time, foot point, distance walked) with
// straight walking between them. Walking speed is metres per second; on screen it becomes pixels
// per second through the person's height at that foot point (a person of 1.7 m is h(y) pixels
// tall), so people slow down as they walk away from the camera, as in real footage.

/** Person height in pixels at foot y: a + b * y (at least a few pixels, far away). */
export type HeightModel = readonly [number, number];
export const PERSON_METRES = 1.7;
export const heightAt = (m: HeightModel, y: number) => Math.max(8, m[0] + m[1] * y);

/** Longest straight step between keyframes, in pixels: short enough that speed follows depth. */
const STEP_PX = 12;

export class PathBuilder {
  readonly t: number[] = [];
  readonly x: number[] = [];
  readonly y: number[] = [];
  /** Distance walked so far in person heights: picks the frame of the walking cycle. */
  readonly d: number[] = [];

  constructor(readonly heights: HeightModel, readonly speed: number, t0: number, x0: number, y0: number) {
    this.push(t0, x0, y0, 0);
  }

  private push(t: number, x: number, y: number, d: number) {
    this.t.push(t);
    this.x.push(x);
    this.y.push(y);
    this.d.push(d);
  }

  get now(): number {
    return this.t[this.t.length - 1];
  }

  get at(): [number, number] {
    return [this.x[this.x.length - 1], this.y[this.y.length - 1]];
  }

  walkTo(x: number, y: number): this {
    const [x0, y0] = this.at;
    const length = Math.hypot(x - x0, y - y0);
    const steps = Math.max(1, Math.ceil(length / STEP_PX));
    let t = this.now, d = this.d[this.d.length - 1];
    for (let k = 1; k <= steps; k++) {
      const xa = x0 + ((x - x0) * (k - 1)) / steps, ya = y0 + ((y - y0) * (k - 1)) / steps;
      const xb = x0 + ((x - x0) * k) / steps, yb = y0 + ((y - y0) * k) / steps;
      const h = heightAt(this.heights, (ya + yb) / 2);
      const px = Math.hypot(xb - xa, yb - ya);
      t += px / ((this.speed * h) / PERSON_METRES);
      d += px / h;
      this.push(t, xb, yb, d);
    }
    return this;
  }

  walkAlong(points: readonly (readonly [number, number])[]): this {
    for (const [x, y] of points) this.walkTo(x, y);
    return this;
  }

  /** Stands still until time `t` (no-op when it is already later). */
  waitUntil(t: number): this {
    if (t > this.now) {
      const [x, y] = this.at;
      this.push(t, x, y, this.d[this.d.length - 1]);
    }
    return this;
  }

  wait(seconds: number): this {
    return this.waitUntil(this.now + Math.max(0, seconds));
  }

  build(): Path {
    return { t: Float64Array.from(this.t), x: Float32Array.from(this.x), y: Float32Array.from(this.y), d: Float32Array.from(this.d) };
  }
}

export interface Path {
  t: Float64Array;
  x: Float32Array;
  y: Float32Array;
  d: Float32Array;
}

export interface Pose {
  x: number;
  y: number;
  /** Distance walked (person heights). */
  d: number;
  /** Standing still at this instant. */
  still: boolean;
  /** Walking direction on screen: +1 right, -1 left. */
  heading: 1 | -1;
}

/** Index of the last keyframe at or before t (binary search). */
function keyAt(p: Path, t: number): number {
  let lo = 0, hi = p.t.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (p.t[mid] <= t) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The pose at time t; undefined outside the path's time span. */
export function poseAt(p: Path, t: number): Pose | undefined {
  const n = p.t.length;
  if (t < p.t[0] || t > p.t[n - 1]) return undefined;
  const i = keyAt(p, t);
  const j = Math.min(n - 1, i + 1);
  const span = p.t[j] - p.t[i];
  const f = span > 0 ? (t - p.t[i]) / span : 0;
  const still = p.x[j] === p.x[i] && p.y[j] === p.y[i];
  // heading: of this step, else of the last step that moved sideways (people keep facing their way when they stop)
  let k = j;
  while (k > 0 && p.x[k] === p.x[k - 1]) k--;
  const heading = k > 0 && p.x[k] < p.x[k - 1] ? -1 : 1;
  return { x: p.x[i] + (p.x[j] - p.x[i]) * f, y: p.y[i] + (p.y[j] - p.y[i]) * f, d: p.d[i] + (p.d[j] - p.d[i]) * f, still, heading };
}

/** Nearest point of a polyline to (x, y): its index along the line (segment + fraction) and the point. */
export function nearestOnPolyline(line: readonly (readonly [number, number])[], x: number, y: number): { segment: number; point: [number, number] } {
  let best = { segment: 0, point: [line[0][0], line[0][1]] as [number, number], dist: Infinity };
  for (let s = 0; s + 1 < line.length; s++) {
    const [ax, ay] = line[s], [bx, by] = line[s + 1];
    const len2 = (bx - ax) ** 2 + (by - ay) ** 2;
    const u = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * (bx - ax) + (y - ay) * (by - ay)) / len2)) : 0;
    const px = ax + (bx - ax) * u, py = ay + (by - ay) * u;
    const dist = Math.hypot(px - x, py - y);
    if (dist < best.dist) best = { segment: s + u, point: [px, py], dist };
  }
  return { segment: best.segment, point: best.point };
}

/** Point at distance `metres` along a polyline, measured with the height model (metres grow in pixels near the camera). */
export function pointAtMetres(line: readonly (readonly [number, number])[], heights: HeightModel, metres: number): [number, number] {
  let left = metres;
  for (let s = 0; s + 1 < line.length; s++) {
    const [ax, ay] = line[s], [bx, by] = line[s + 1];
    const px = Math.hypot(bx - ax, by - ay);
    const m = px / (heightAt(heights, (ay + by) / 2) / PERSON_METRES);
    if (left <= m || s + 2 === line.length) {
      const f = m > 0 ? Math.min(1, left / m) : 0;
      return [ax + (bx - ax) * f, ay + (by - ay) * f];
    }
    left -= m;
  }
  return [line[0][0], line[0][1]];
}
