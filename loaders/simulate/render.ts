// Drawing one frame: the plate, then everyone in view from far to near (a nearer person hides a
// farther one), each cut-out scaled to the height their foot point calls for and flipped to face
// their way. Only each sprite's own box is touched, with integer alpha blending, so a frame with
// ten people costs about a millisecond. The true box of each person comes from the same placement.
import { heightAt, poseAt, type HeightModel } from "./path.ts";
import type { Agent } from "./plan.ts";
import type { Person, SpriteFrame } from "./sprites.ts";

export interface TrueBox {
  id: number;
  staff: boolean;
  /** The person's whole box (may reach past the picture's edge). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
  /** Share of the box inside the picture and not hidden by nearer people's boxes. */
  visibility: number;
}

interface Placement {
  agent: Agent;
  sprite: SpriteFrame;
  flip: boolean;
  scale: number;
  /** Top-left of the scaled crop in the picture. */
  ox: number;
  oy: number;
  box: [number, number, number, number];
}

/** How to draw `agent` at time t, or undefined when they are not about. */
export function place(agent: Agent, t: number, people: readonly Person[], heights: HeightModel): Placement | undefined {
  const pose = poseAt(agent.path, t);
  if (!pose) return undefined;
  const person = people[agent.person];
  const sprite = pose.still
    ? person.stand[Math.floor(t / 2) % person.stand.length]
    : person.walk[Math.floor(pose.d / person.stepHeights) % person.walk.length];
  const [bx1, by1, bx2, by2] = sprite.box;
  const scale = heightAt(heights, pose.y) / (by2 - by1);
  const flip = pose.heading !== person.faces;
  const ax = flip ? sprite.w - (bx1 + bx2) / 2 : (bx1 + bx2) / 2;
  const half = ((bx2 - bx1) / 2) * scale;
  return {
    agent, sprite, flip, scale,
    ox: pose.x - ax * scale,
    oy: pose.y - by2 * scale,
    box: [pose.x - half, pose.y - (by2 - by1) * scale, pose.x + half, pose.y],
  };
}

let columns = new Int32Array(0);

/** Alpha-blends the scaled, possibly mirrored sprite into the RGB frame (nearest-neighbour sampling). */
function blit(frame: Uint8Array, W: number, H: number, p: Placement): void {
  const { sprite: s, scale, ox, oy } = p;
  const x0 = Math.max(0, Math.floor(ox)), x1 = Math.min(W, Math.ceil(ox + s.w * scale));
  const y0 = Math.max(0, Math.floor(oy)), y1 = Math.min(H, Math.ceil(oy + s.h * scale));
  if (x1 <= x0 || y1 <= y0) return;
  if (columns.length < W) columns = new Int32Array(W);
  for (let x = x0; x < x1; x++) {
    const sx = Math.min(s.w - 1, Math.max(0, Math.floor((x + 0.5 - ox) / scale)));
    columns[x] = p.flip ? s.w - 1 - sx : sx;
  }
  const { rgb, alpha } = s;
  for (let y = y0; y < y1; y++) {
    const row = Math.min(s.h - 1, Math.max(0, Math.floor((y + 0.5 - oy) / scale))) * s.w;
    let d = (y * W + x0) * 3;
    for (let x = x0; x < x1; x++, d += 3) {
      const i = row + columns[x];
      const a = alpha[i];
      if (a === 0) continue;
      const b = 255 - a, si = i * 3;
      frame[d] = (rgb[si] * a + frame[d] * b + 127) / 255;
      frame[d + 1] = (rgb[si + 1] * a + frame[d + 1] * b + 127) / 255;
      frame[d + 2] = (rgb[si + 2] * a + frame[d + 2] * b + 127) / 255;
    }
  }
}

/** Share of box `i` inside the picture and outside every later (nearer) box, on a 16 x 32 sample grid. */
function visibility(boxes: readonly [number, number, number, number][], i: number, W: number, H: number): number {
  const [x1, y1, x2, y2] = boxes[i];
  let seen = 0;
  const NX = 16, NY = 32;
  for (let gy = 0; gy < NY; gy++) {
    const y = y1 + ((gy + 0.5) / NY) * (y2 - y1);
    for (let gx = 0; gx < NX; gx++) {
      const x = x1 + ((gx + 0.5) / NX) * (x2 - x1);
      if (x < 0 || y < 0 || x >= W || y >= H) continue;
      let hidden = false;
      for (let j = i + 1; j < boxes.length && !hidden; j++) {
        const b = boxes[j];
        hidden = x >= b[0] && x < b[2] && y >= b[1] && y < b[3];
      }
      if (!hidden) seen++;
    }
  }
  return seen / (NX * NY);
}

/**
 * Draws everyone about at time t into `frame` (which must already hold the plate) and returns
 * their true boxes. `frame` is null for truth without pixels (planning-only runs of many seeds).
 */
export function renderFrame(
  frame: Uint8Array | null, W: number, H: number, agents: readonly Agent[], t: number, people: readonly Person[], heights: HeightModel,
): TrueBox[] {
  const placed: Placement[] = [];
  for (const a of agents) {
    const p = place(a, t, people, heights);
    if (p && p.box[2] > 0 && p.box[0] < W && p.box[3] > 0 && p.box[1] < H) placed.push(p);
  }
  // far to near; ties by id so the order never depends on the input order
  placed.sort((a, b) => a.box[3] - b.box[3] || a.agent.id - b.agent.id);
  if (frame) for (const p of placed) blit(frame, W, H, p);
  const boxes = placed.map((p) => p.box);
  return placed.map((p, i) => ({
    id: p.agent.id, staff: p.agent.staff, x1: p.box[0], y1: p.box[1], x2: p.box[2], y2: p.box[3], visibility: visibility(boxes, i, W, H),
  }));
}
