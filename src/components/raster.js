// Many paths drawn in plain JavaScript into an RGBA buffer, then put on a canvas in one call.
// The browser's own canvas strokes are recorded and rasterised at paint time, and thousands of
// long strokes cost it hundreds of milliseconds; a span-per-step line rasteriser with "over"
// blending does the same picture in tens. No anti-aliasing: meant for crowded views.
const buffers = new Map();

/**
 * @param canvas the target (its width x height in device pixels)
 * @param options.x, options.y path point coordinates (source pixels); options.sx, options.sy scale
 *   from source to device pixels
 * @param options.paths [{from, to, ...}] point ranges, drawn in order (last on top)
 * @param options.width (path) -> line width in device pixels (1..6)
 * @param options.alpha (path) -> opacity 0..1
 * @param options.color (path, i) -> index into options.palette (an Uint8Array of r,g,b triples)
 */
export function rasterizePaths(canvas, {x, y, sx, sy, paths, width, alpha, color, palette}) {
  const W = canvas.width, H = canvas.height;
  const size = W * H * 4;
  let acc = buffers.get(size);
  if (!acc) buffers.set(size, (acc = new Float32Array(size)));
  else acc.fill(0);
  // premultiplied RGBA in 0..1; one span of w pixels across the line per step along it
  for (const p of paths) {
    const w = Math.max(1, Math.min(6, Math.round(width(p))));
    const half = (w - 1) >> 1;
    const a = alpha(p), keep = 1 - a;
    for (let i = p.from + 1; i < p.to; i++) {
      const c = color(p, i) * 3;
      const r = (palette[c] / 255) * a, g = (palette[c + 1] / 255) * a, b = (palette[c + 2] / 255) * a;
      const x0 = x[i - 1] * sx, y0 = y[i - 1] * sy;
      const dx = x[i] * sx - x0, dy = y[i] * sy - y0;
      const adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
      const steep = ady > adx;
      const steps = Math.max(1, Math.ceil(steep ? ady : adx)); // the segment's end is the next one's start
      const ix = dx / steps, iy = dy / steps;
      let fx = x0, fy = y0;
      for (let s = 0; s < steps; s++, fx += ix, fy += iy) {
        let px = (fx + 0.5) | 0, py = (fy + 0.5) | 0;
        if (steep) px -= half;
        else py -= half;
        for (let k = 0; k < w; k++) {
          const qx = steep ? px + k : px, qy = steep ? py : py + k;
          if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
          const o = (qy * W + qx) << 2;
          acc[o] = r + acc[o] * keep;
          acc[o + 1] = g + acc[o + 1] * keep;
          acc[o + 2] = b + acc[o + 2] * keep;
          acc[o + 3] = a + acc[o + 3] * keep;
        }
      }
    }
  }
  const ctx = canvas.getContext("2d");
  const image = ctx.createImageData(W, H);
  const d = image.data;
  for (let k = 0; k < size; k += 4) {
    const A = acc[k + 3];
    if (A <= 0) continue;
    d[k] = (acc[k] / A) * 255;
    d[k + 1] = (acc[k + 1] / A) * 255;
    d[k + 2] = (acc[k + 2] / A) * 255;
    d[k + 3] = A * 255;
  }
  ctx.putImageData(image, 0, 0);
}

/** "#4269d0" etc. -> Uint8Array of r,g,b triples. */
export function paletteOf(colors) {
  const out = new Uint8Array(colors.length * 3);
  colors.forEach((c, i) => out.set([parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)], i * 3));
  return out;
}
