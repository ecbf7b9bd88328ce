// Just enough raster drawing on interleaved RGB24 frames for annotated videos: rectangles,
// thick lines, filled polygons (as precomputed masks), a 5x7 bitmap font, and a blurred
// mosaic for privacy. No canvas dependency: these run on the frames ffmpeg decodes, in place.

export type Rgb = readonly [number, number, number];

export interface Image {
  data: Uint8Array;
  width: number;
  height: number;
}

// 5x7 glyphs, one string per row, '#' = ink. Digits first (track ids and counts), then the
// capitals, space and the few signs labels need. Lower-case text is drawn in capitals.
const GLYPHS: Record<string, string[]> = {
  "0": [".###.", "#...#", "#..##", "#.#.#", "##..#", "#...#", ".###."],
  "1": ["..#..", ".##..", "..#..", "..#..", "..#..", "..#..", ".###."],
  "2": [".###.", "#...#", "....#", "...#.", "..#..", ".#...", "#####"],
  "3": ["#####", "...#.", "..#..", "...#.", "....#", "#...#", ".###."],
  "4": ["...#.", "..##.", ".#.#.", "#..#.", "#####", "...#.", "...#."],
  "5": ["#####", "#....", "####.", "....#", "....#", "#...#", ".###."],
  "6": ["..##.", ".#...", "#....", "####.", "#...#", "#...#", ".###."],
  "7": ["#####", "....#", "...#.", "..#..", ".#...", ".#...", ".#..."],
  "8": [".###.", "#...#", "#...#", ".###.", "#...#", "#...#", ".###."],
  "9": [".###.", "#...#", "#...#", ".####", "....#", "...#.", ".##.."],
  A: [".###.", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
  B: ["####.", "#...#", "#...#", "####.", "#...#", "#...#", "####."],
  C: [".###.", "#...#", "#....", "#....", "#....", "#...#", ".###."],
  D: ["###..", "#..#.", "#...#", "#...#", "#...#", "#..#.", "###.."],
  E: ["#####", "#....", "#....", "####.", "#....", "#....", "#####"],
  F: ["#####", "#....", "#....", "####.", "#....", "#....", "#...."],
  G: [".###.", "#...#", "#....", "#.###", "#...#", "#...#", ".####"],
  H: ["#...#", "#...#", "#...#", "#####", "#...#", "#...#", "#...#"],
  I: [".###.", "..#..", "..#..", "..#..", "..#..", "..#..", ".###."],
  J: ["..###", "...#.", "...#.", "...#.", "...#.", "#..#.", ".##.."],
  K: ["#...#", "#..#.", "#.#..", "##...", "#.#..", "#..#.", "#...#"],
  L: ["#....", "#....", "#....", "#....", "#....", "#....", "#####"],
  M: ["#...#", "##.##", "#.#.#", "#.#.#", "#...#", "#...#", "#...#"],
  N: ["#...#", "#...#", "##..#", "#.#.#", "#..##", "#...#", "#...#"],
  O: [".###.", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
  P: ["####.", "#...#", "#...#", "####.", "#....", "#....", "#...."],
  Q: [".###.", "#...#", "#...#", "#...#", "#.#.#", "#..#.", ".##.#"],
  R: ["####.", "#...#", "#...#", "####.", "#.#..", "#..#.", "#...#"],
  S: [".####", "#....", "#....", ".###.", "....#", "....#", "####."],
  T: ["#####", "..#..", "..#..", "..#..", "..#..", "..#..", "..#.."],
  U: ["#...#", "#...#", "#...#", "#...#", "#...#", "#...#", ".###."],
  V: ["#...#", "#...#", "#...#", "#...#", "#...#", ".#.#.", "..#.."],
  W: ["#...#", "#...#", "#...#", "#.#.#", "#.#.#", "#.#.#", ".#.#."],
  X: ["#...#", "#...#", ".#.#.", "..#..", ".#.#.", "#...#", "#...#"],
  Y: ["#...#", "#...#", ".#.#.", "..#..", "..#..", "..#..", "..#.."],
  Z: ["#####", "....#", "...#.", "..#..", ".#...", "#....", "#####"],
  " ": [".....", ".....", ".....", ".....", ".....", ".....", "....."],
  "-": [".....", ".....", ".....", "#####", ".....", ".....", "....."],
  "_": [".....", ".....", ".....", ".....", ".....", ".....", "#####"],
  ":": [".....", "..#..", "..#..", ".....", "..#..", "..#..", "....."],
  ".": [".....", ".....", ".....", ".....", ".....", ".##..", ".##.."],
  "#": [".#.#.", ".#.#.", "#####", ".#.#.", "#####", ".#.#.", ".#.#."],
  "/": [".....", "....#", "...#.", "..#..", ".#...", "#....", "....."],
  "?": [".###.", "#...#", "....#", "...#.", "..#..", ".....", "..#.."],
};
export const GLYPH_W = 5;
export const GLYPH_H = 7;

/** Glyph bitmaps as 7 row masks (bit 4 = leftmost column). */
const FONT: Map<string, number[]> = new Map(
  Object.entries(GLYPHS).map(([ch, rows]) => [ch, rows.map((r) => [...r].reduce((m, c) => (m << 1) | (c === "#" ? 1 : 0), 0))]),
);

/** Width and height in pixels of `text` drawn at `scale` (1 px gap between glyphs). */
export function textSize(text: string, scale: number): [number, number] {
  return [Math.max(0, text.length * (GLYPH_W + 1) - 1) * scale, GLYPH_H * scale];
}

function clampInt(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, Math.round(v)));
}

/** Fills [x1, x2) x [y1, y2), clipped; alpha < 1 blends over what is there. */
export function fillRect(img: Image, x1: number, y1: number, x2: number, y2: number, color: Rgb, alpha = 1): void {
  const { data, width, height } = img;
  const xa = clampInt(x1, 0, width), xb = clampInt(x2, 0, width);
  const ya = clampInt(y1, 0, height), yb = clampInt(y2, 0, height);
  const [r, g, b] = color;
  for (let y = ya; y < yb; y++) {
    let o = (y * width + xa) * 3;
    if (alpha >= 1) {
      for (let x = xa; x < xb; x++, o += 3) {
        data[o] = r;
        data[o + 1] = g;
        data[o + 2] = b;
      }
    } else {
      const k = 1 - alpha;
      for (let x = xa; x < xb; x++, o += 3) {
        data[o] = data[o] * k + r * alpha;
        data[o + 1] = data[o + 1] * k + g * alpha;
        data[o + 2] = data[o + 2] * k + b * alpha;
      }
    }
  }
}

/** Rectangle outline drawn inside the box edges, `thickness` px wide. */
export function strokeRect(img: Image, x1: number, y1: number, x2: number, y2: number, color: Rgb, thickness = 2): void {
  fillRect(img, x1, y1, x2, y1 + thickness, color);
  fillRect(img, x1, y2 - thickness, x2, y2, color);
  fillRect(img, x1, y1, x1 + thickness, y2, color);
  fillRect(img, x2 - thickness, y1, x2, y2, color);
}

/** Thick line: a square brush stamped along a DDA walk. */
export function drawLine(img: Image, x0: number, y0: number, x1: number, y1: number, color: Rgb, thickness = 2): void {
  const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
  const half = thickness / 2;
  for (let i = 0; i <= steps; i++) {
    const x = x0 + ((x1 - x0) * i) / steps;
    const y = y0 + ((y1 - y0) * i) / steps;
    fillRect(img, x - half, y - half, x + half, y + half, color);
  }
}

/** Filled disc (trail heads, line end points). */
export function fillCircle(img: Image, cx: number, cy: number, radius: number, color: Rgb): void {
  const r2 = radius * radius;
  for (let dy = -Math.ceil(radius); dy <= Math.ceil(radius); dy++) {
    const half = Math.sqrt(Math.max(0, r2 - dy * dy));
    fillRect(img, cx - half, cy + dy, cx + half + 1, cy + dy + 1, color);
  }
}

/** Text in the bitmap font with its top-left at (x, y); optional background plate behind it. */
export function drawText(img: Image, text: string, x: number, y: number, color: Rgb, opts: { scale?: number; background?: Rgb; pad?: number } = {}): void {
  const scale = Math.max(1, Math.round(opts.scale ?? 2));
  const s = text.toUpperCase();
  const pad = opts.background ? opts.pad ?? scale : 0;
  const [tw, th] = textSize(s, scale);
  // kept inside the picture: labels near an edge shift inwards rather than being cut off
  x = Math.max(pad, Math.min(x, img.width - tw - pad));
  y = Math.max(pad, Math.min(y, img.height - th - pad));
  if (opts.background) fillRect(img, x - pad, y - pad, x + tw + pad, y + th + pad, opts.background);
  let cx = Math.round(x);
  const top = Math.round(y);
  for (const ch of s) {
    const rows = FONT.get(ch) ?? FONT.get("?")!;
    for (let row = 0; row < GLYPH_H; row++) {
      const bits = rows[row];
      for (let col = 0; col < GLYPH_W; col++) {
        if (bits & (1 << (GLYPH_W - 1 - col))) fillRect(img, cx + col * scale, top + row * scale, cx + (col + 1) * scale, top + (row + 1) * scale, color);
      }
    }
    cx += (GLYPH_W + 1) * scale;
  }
}

/** Pixels inside a polygon, computed once per zone (scanline fill at pixel centres). */
export function polygonMask(width: number, height: number, polygon: readonly (readonly [number, number])[]): Uint8Array {
  const mask = new Uint8Array(width * height);
  const n = polygon.length;
  if (n < 3) return mask;
  const xs: number[] = [];
  for (let y = 0; y < height; y++) {
    const py = y + 0.5;
    xs.length = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      const [xi, yi] = polygon[i];
      const [xj, yj] = polygon[j];
      if (yi > py !== yj > py) xs.push(xi + ((py - yi) * (xj - xi)) / (yj - yi));
    }
    xs.sort((a, b) => a - b);
    for (let k = 0; k + 1 < xs.length; k += 2) {
      const xa = clampInt(xs[k] - 0.5, 0, width);
      const xb = clampInt(xs[k + 1] - 0.5, 0, width);
      mask.fill(1, y * width + xa, y * width + xb);
    }
  }
  return mask;
}

/** Blends `color` over the pixels a mask selects. */
export function tintMask(img: Image, mask: Uint8Array, color: Rgb, alpha: number): void {
  const { data } = img;
  const [r, g, b] = color;
  const k = 1 - alpha;
  for (let p = 0, o = 0; p < mask.length; p++, o += 3) {
    if (!mask[p]) continue;
    data[o] = data[o] * k + r * alpha;
    data[o + 1] = data[o + 1] * k + g * alpha;
    data[o + 2] = data[o + 2] * k + b * alpha;
  }
}

// The privacy mosaic lives with the other picture-of-the-scene code, where snapshots and the
// site's pictures use it too.
export { redact } from "../scene/redact.ts";

/** Distinct, saturated colours for track ids (a fixed palette, cycled). */
const PALETTE: Rgb[] = [
  [230, 25, 75], [60, 180, 75], [255, 225, 25], [0, 130, 200], [245, 130, 48], [145, 30, 180],
  [70, 240, 240], [240, 50, 230], [210, 245, 60], [250, 190, 212], [0, 128, 128], [220, 190, 255],
  [170, 110, 40], [255, 250, 200], [128, 0, 0], [170, 255, 195], [128, 128, 0], [255, 215, 180],
];

export function trackColor(id: number): Rgb {
  return PALETTE[((id % PALETTE.length) + PALETTE.length) % PALETTE.length];
}
