import { test } from "node:test";
import assert from "node:assert/strict";
import { applyHomography, degeneracy, fitHomography, polygonArea, symmetricEigen, type Mat3, type Pt } from "../loaders/geometry/homography.ts";
import { parseCameraConfig } from "../loaders/config/camera.ts";

// A camera looking down at a floor: a true projective map (with perspective terms), not an affine one.
const TRUE_H: Mat3 = [0.021, 0.004, -3.1, -0.0006, 0.052, -9.4, 0.00002, 0.0021, 0.35];
const map = (x: number, y: number) => applyHomography(TRUE_H, x, y)!;

test("symmetricEigen: eigenpairs of a known symmetric matrix", () => {
  const m = [[4, 1, 0], [1, 3, 1], [0, 1, 2]];
  const { values, vectors } = symmetricEigen(m);
  assert.ok(values[0] <= values[1] && values[1] <= values[2]);
  for (let k = 0; k < 3; k++) {
    const v = vectors[k];
    const mv = m.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
    mv.forEach((x, j) => assert.ok(Math.abs(x - values[k] * v[j]) < 1e-9, `eigenpair ${k}`));
  }
  assert.ok(Math.abs(values.reduce((a, b) => a + b) - 9) < 1e-9, "trace");
});

test("fitHomography recovers a perspective mapping from 4 and from 12 exact points", () => {
  const four: Pt[] = [[60, 250], [600, 240], [620, 460], [40, 470]];
  const many: Pt[] = [...four, [320, 300], [200, 400], [500, 350], [100, 330], [450, 440], [300, 260], [560, 300], [250, 455]];
  for (const pts of [four, many]) {
    const fit = fitHomography(pts, pts.map(([x, y]) => map(x, y)));
    assert.ok(fit.max < 1e-6, `reprojection error ${fit.max}`);
    // and points it never saw land where the true mapping puts them
    for (const [x, y] of [[330, 380], [90, 300], [610, 455]] as const) {
      const [u, v] = applyHomography(fit.H, x, y)!;
      const [tu, tv] = map(x, y);
      assert.ok(Math.hypot(u - tu, v - tv) < 1e-6, `(${x}, ${y}) -> (${u}, ${v}), true (${tu}, ${tv})`);
    }
  }
});

test("fitHomography with noisy points: least squares, error reported where the bad point is", () => {
  const pts: Pt[] = [[60, 250], [600, 240], [620, 460], [40, 470], [320, 300], [200, 400], [500, 350], [450, 440]];
  const floor = pts.map(([x, y]) => map(x, y));
  const good = fitHomography(pts, floor.map(([u, v], i) => [u + (i % 2 ? 0.01 : -0.01), v] as Pt));
  assert.ok(good.rms < 0.02, `rms ${good.rms}`);
  const bad = floor.map((p) => [...p] as [number, number]);
  bad[5][0] += 2; // a point measured 2 m off
  const fit = fitHomography(pts, bad);
  assert.equal(fit.worst, 5);
  assert.ok(fit.rms > 0.3, `rms ${fit.rms}`);
});

test("degenerate points are refused with a message naming them", () => {
  assert.match(degeneracy([[0, 0], [1, 0], [2, 0]], [[0, 0], [1, 0], [2, 0]]) ?? "", /at least 4/);
  assert.match(degeneracy([[0, 0], [10, 0], [20, 0], [5, 8]], [[0, 0], [1, 0], [1, 1], [0, 1]]) ?? "", /video points 1, 2, 3 lie on one line/);
  assert.match(degeneracy([[0, 0], [10, 0], [10, 10], [0, 10], [5, 5]].map(([x]) => [x, 2 * x] as Pt), [[0, 0], [1, 0], [1, 1], [0, 1], [0.5, 0.5]]) ?? "", /all video points lie on one line/);
  assert.throws(() => fitHomography([[0, 0], [10, 0], [20, 0], [5, 8]], [[0, 0], [1, 0], [1, 1], [0, 1]]), /lie on one line/);
});

test("polygonArea: a 3 m x 2 m rectangle in either winding", () => {
  assert.equal(polygonArea([[0, 0], [3, 0], [3, 2], [0, 2]]), 6);
  assert.equal(polygonArea([[0, 2], [3, 2], [3, 0], [0, 0]]), 6);
});

test("camera.json floor block: fits, and refuses bad or degenerate points with one line naming the fix", () => {
  const pts: Pt[] = [[60, 250], [600, 240], [620, 460], [40, 470], [320, 300]];
  const points = pts.map((p) => ({ video: p, floor: map(...p) }));
  const ok = parseCameraConfig({ camera: "c", floor: { plan: "plan.png", metresPerPixel: 0.02, points } });
  assert.equal(ok.floor?.maxErrorMetres, 0.5);
  const off = points.map((p, i) => (i === 4 ? { ...p, floor: [p.floor[0] + 3, p.floor[1]] } : p));
  assert.throws(() => parseCameraConfig({ camera: "c", floor: { plan: "plan.png", metresPerPixel: 0.02, points: off } }, "cam.json"),
    /^UserError: cam\.json: floor\.points: the points do not fit one floor plane: reprojection error [\d.]+ m \(limit maxErrorMetres 0\.5 m\), worst point 5 off by [\d.]+ m; re-measure it/);
  assert.throws(() => parseCameraConfig({ camera: "c", floor: { plan: "p.png", metresPerPixel: 0.02, points: points.slice(0, 3) } }, "cam.json"), /cam\.json: floor\.points: needs at least 4 point pairs/);
  const line = [[0, 0], [10, 0], [20, 0], [5, 8]].map((p, i) => ({ video: p, floor: [i, i % 2] }));
  assert.throws(() => parseCameraConfig({ camera: "c", floor: { plan: "p.png", metresPerPixel: 0.02, points: line } }, "cam.json"), /cam\.json: floor\.points: video points 1, 2, 3 lie on one line/);
});

test("camera.json queue zones: served by a checkout zone", () => {
  const square = [[0, 0], [10, 0], [10, 10], [0, 10]];
  const till = { name: "till", kind: "checkout", polygon: square };
  const c = parseCameraConfig({ camera: "c", zones: [till, { name: "line", kind: "queue", polygon: square }] });
  assert.equal(c.zones[1].kind, "queue");
  assert.equal(c.queue.minInLineSeconds, 3);
  assert.throws(() => parseCameraConfig({ camera: "c", zones: [{ name: "line", kind: "queue", polygon: square }] }, "cam.json"), /cam\.json: zones\[0\]\.checkout: a queue needs a zone of kind "checkout"/);
  assert.throws(() => parseCameraConfig({ camera: "c", zones: [till, { ...till, name: "till 2" }, { name: "line", kind: "queue", polygon: square }] }, "cam.json"), /zones\[2\]\.checkout: name the checkout zone serving this queue \(till, till 2\)/);
  assert.throws(() => parseCameraConfig({ camera: "c", zones: [till, { name: "line", kind: "queue", checkout: "nope", polygon: square }] }, "cam.json"), /names no checkout zone: "nope"/);
  assert.throws(() => parseCameraConfig({ camera: "c", zones: [{ ...till, checkout: "till" }] }, "cam.json"), /only a zone of kind "queue"/);
});
