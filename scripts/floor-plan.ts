// The demo store's floor plan (data/scenarios/demo-store-floor.png) and the floor points of its two
// cameras, as `npx tsx scripts/floor-plan.ts` prints them for camera.json's `floor` block.
//
// How the points were measured: on the picture, from people's heights. A person of 1.7 m standing
// with their feet at picture row y is h(y) = a + b*y pixels tall (fitted to the clip's ground-truth
// boxes: the same perspective smw simulate walks people by), so one pixel across at row y is
// 1.7 / h(y) metres, and stepping one row nearer is 1.7 / h(y) metres of depth. Eight points of the
// walkable band (corners and edge middles) are placed on the plan that way: the front camera looks
// at the shop front (TUD-Stadtmitte's plate; the bundled demo clip), the side camera at the side
// windows (TUD-Campus's plate). Not a survey: a real store measures its floor points with a tape.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { encode } from "fast-png";
import { fitHomography, type Pt } from "../loaders/geometry/homography.ts";

export const PLAN = { width: 800, height: 560, metresPerPixel: 0.025 };
const PERSON = 1.7;

interface PlanCamera { a: number; b: number; rows: readonly [number, number]; place: (along: number, depth: number) => Pt }

/** Height model h(y) = a + b*y of each plate (loaders/simulate/plate.ts fitHeightModel over the clip's gt boxes). */
const CAMERAS: Record<"front" | "side", PlanCamera> = {
  front: { a: -151.08, b: 1.19203, rows: [230, 310], place: (along: number, depth: number): Pt => [10 + along, 9.15 + depth] },
  side: { a: -399.03, b: 1.53158, rows: [345, 400], place: (along: number, depth: number): Pt => [17.15 + depth, 4.5 - along] },
};

/** Floor metres of picture point (x, y) in the camera's own frame: across from the picture's centre, depth from the far row. */
function local(cam: PlanCamera, x: number, y: number): [number, number] {
  const h = (v: number) => cam.a + cam.b * v;
  const depth = (PERSON / cam.b) * Math.log(h(y) / h(cam.rows[0]));
  return [(PERSON * (x - 320)) / h(y), depth];
}

export function floorPoints(name: keyof typeof CAMERAS) {
  const cam = CAMERAS[name];
  const [y0, y1] = cam.rows, ym = (y0 + y1) / 2;
  const video: Pt[] = [[20, y0], [320, y0], [620, y0], [20, ym], [620, ym], [20, y1], [320, y1], [620, y1]];
  return video.map((v) => {
    const [along, depth] = local(cam, v[0], v[1]);
    const [fx, fy] = cam.place(along, depth);
    return { video: v, floor: [Math.round(fx * 100) / 100, Math.round(fy * 100) / 100] as Pt };
  });
}

/** The plan: the store's sales floor, its front pavement (bottom) and side walkway (right), walls and doors. */
function drawPlan(): Uint8Array {
  const { width: W, height: H, metresPerPixel: m } = PLAN;
  const rgb = new Uint8Array(W * H * 3).fill(255);
  const rect = (x0: number, y0: number, x1: number, y1: number, c: [number, number, number]) => {
    for (let y = Math.max(0, Math.round(y0 / m)); y < Math.min(H, Math.round(y1 / m)); y++) {
      for (let x = Math.max(0, Math.round(x0 / m)); x < Math.min(W, Math.round(x1 / m)); x++) rgb.set(c, (y * W + x) * 3);
    }
  };
  rect(0, 0, 20, 14, [236, 236, 232]); // outside
  rect(2, 0, 17, 9, [250, 248, 240]); // sales floor
  rect(0, 9, 20, 12.5, [214, 218, 222]); // front pavement
  rect(17, 0, 20, 9, [214, 218, 222]); // side walkway
  for (let x = 0; x < 20; x += 0.5) rect(x, 9, x + 0.03, 12.5, [200, 204, 210]); // paving joints
  rect(2, 8.85, 17, 9.05, [70, 70, 70]); // front wall
  rect(16.95, 0, 17.15, 9, [70, 70, 70]); // side wall
  rect(1.85, 0, 2.05, 9, [70, 70, 70]); // back wall
  rect(7.6, 8.85, 9.4, 9.05, [250, 248, 240]); // front door
  rect(16.95, 3.2, 17.15, 4.4, [250, 248, 240]); // side door
  rect(3, 7.6, 7, 8.6, [205, 220, 245]); // window display
  rect(13.5, 7.4, 16.5, 8.4, [240, 214, 190]); // till
  rect(3, 2, 12, 3, [225, 225, 215]); // shelves
  rect(3, 4.5, 12, 5.5, [225, 225, 215]);
  return rgb;
}

if (import.meta.filename === process.argv[1]) {
  const out = join(import.meta.dirname, "..", "data", "scenarios", "demo-store-floor.png");
  writeFileSync(out, encode({ width: PLAN.width, height: PLAN.height, data: drawPlan(), channels: 3, depth: 8 }));
  for (const name of ["front", "side"] as const) {
    const points = floorPoints(name);
    const fit = fitHomography(points.map((p) => p.video), points.map((p) => p.floor));
    console.log(`${name}: reprojection error ${fit.rms.toFixed(3)} m (worst ${fit.max.toFixed(3)} m)`);
    console.log(JSON.stringify({ plan: "demo-store-floor.png", metresPerPixel: PLAN.metresPerPixel, points }));
  }
  console.log(`-> ${out}`);
}
