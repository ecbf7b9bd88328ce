// Cutting a person out of a frame: pixels that differ from the people-free plate, cleaned with
// morphology (specks of codec noise out, holes where clothes match the pavement filled), the one
// largest blob kept (a neighbour's elbow or a pigeon is not part of the person), and a soft edge
// so the cut-out sits in a new picture without a hard outline the detector could key on.
// Masks are 0/1 bytes, row-major, w x h.

/**
 * 1 where the largest channel difference between two RGB crops exceeds the threshold of the
 * pixel's column (`threshold(x)`: dark clothes before a dark window differ little, so the middle
 * of a known box can take a lower one).
 */
export function differenceMask(rgb: Uint8Array, plate: Uint8Array, w: number, h: number, threshold: number | ((x: number) => number)): Uint8Array {
  const m = new Uint8Array(w * h);
  const t = Float32Array.from({ length: w }, (_, x) => (typeof threshold === "number" ? threshold : threshold(x)));
  for (let i = 0, p = 0; i < m.length; i++, p += 3) {
    const d = Math.max(Math.abs(rgb[p] - plate[p]), Math.abs(rgb[p + 1] - plate[p + 1]), Math.abs(rgb[p + 2] - plate[p + 2]));
    m[i] = d > t[i % w] ? 1 : 0;
  }
  return m;
}

/** Vertical closing with a 1 x (2r+1) bar: bridges a stripe where the clothes matched the background. */
export function closeVertically(m: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const pass = (src: Uint8Array, grow: boolean) => {
    const out = new Uint8Array(src.length);
    for (let x = 0; x < w; x++) {
      for (let y = 0; y < h; y++) {
        let v = grow ? 0 : 1;
        for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) v = grow ? v | src[k * w + x] : v & src[k * w + x];
        out[y * w + x] = v;
      }
    }
    return out;
  };
  return pass(pass(m, true), false);
}

/** Rows [from, to): everything between the row's first and last mask pixel (a torso and head have no gaps; legs do). */
export function fillRows(m: Uint8Array, w: number, from: number, to: number): Uint8Array {
  const out = m.slice();
  for (let y = Math.max(0, from); y < to; y++) {
    const row = out.subarray(y * w, y * w + w);
    const first = row.indexOf(1), last = row.lastIndexOf(1);
    if (first >= 0) row.fill(1, first, last + 1);
  }
  return out;
}

/** 3x3 erosion (grow = false) or dilation (grow = true); outside the crop counts as background. */
function morph(m: Uint8Array, w: number, h: number, grow: boolean): Uint8Array {
  const out = new Uint8Array(m.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let any = 0;
      let all = 1;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx, yy = y + dy;
          const v = xx >= 0 && yy >= 0 && xx < w && yy < h ? m[yy * w + xx] : 0;
          any |= v;
          all &= v;
        }
      }
      out[y * w + x] = grow ? any : all;
    }
  }
  return out;
}

export const erode = (m: Uint8Array, w: number, h: number) => morph(m, w, h, false);
export const dilate = (m: Uint8Array, w: number, h: number) => morph(m, w, h, true);

/** Labels 4-connected regions of pixels equal to `value`; returns labels (0 = other) and region sizes (index = label). */
function regions(m: Uint8Array, w: number, h: number, value: number): { labels: Int32Array; sizes: number[] } {
  const labels = new Int32Array(m.length);
  const sizes = [0];
  const stack: number[] = [];
  for (let start = 0; start < m.length; start++) {
    if (m[start] !== value || labels[start]) continue;
    const label = sizes.length;
    let size = 0;
    labels[start] = label;
    stack.push(start);
    while (stack.length) {
      const i = stack.pop()!;
      size++;
      const x = i % w, y = (i - x) / w;
      for (const j of [x > 0 ? i - 1 : -1, x < w - 1 ? i + 1 : -1, y > 0 ? i - w : -1, y < h - 1 ? i + w : -1]) {
        if (j >= 0 && m[j] === value && !labels[j]) {
          labels[j] = label;
          stack.push(j);
        }
      }
    }
    sizes.push(size);
  }
  return { labels, sizes };
}

/** Keeps the largest foreground blob only. */
export function largestBlob(m: Uint8Array, w: number, h: number): Uint8Array {
  const { labels, sizes } = regions(m, w, h, 1);
  let best = 0;
  for (let k = 1; k < sizes.length; k++) if (sizes[k] > sizes[best]) best = k;
  return Uint8Array.from(labels, (l) => (best && l === best ? 1 : 0));
}

/** Fills background regions that do not touch the crop's border (holes inside the person). */
export function fillHoles(m: Uint8Array, w: number, h: number): Uint8Array {
  const { labels } = regions(m, w, h, 0);
  const outside = new Set<number>();
  for (let x = 0; x < w; x++) outside.add(labels[x]).add(labels[(h - 1) * w + x]);
  for (let y = 0; y < h; y++) outside.add(labels[y * w]).add(labels[y * w + w - 1]);
  return Uint8Array.from(m, (v, i) => (v || !outside.has(labels[i]) ? 1 : 0));
}

/** 0/1 mask -> 0..255 alpha with a soft edge: two passes of a 3x3 box blur. */
export function feather(m: Uint8Array, w: number, h: number): Uint8Array {
  let a = Float32Array.from(m, (v) => v * 255);
  for (let pass = 0; pass < 2; pass++) {
    const b = new Float32Array(a.length);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const xx = Math.min(w - 1, Math.max(0, x + dx)), yy = Math.min(h - 1, Math.max(0, y + dy));
            s += a[yy * w + xx];
          }
        }
        b[y * w + x] = s / 9;
      }
    }
    a = b;
  }
  // the blur spreads outward too: keep the core opaque so the person does not turn translucent
  return Uint8Array.from(a, (v, i) => (m[i] ? Math.max(v, 200) : v));
}

/**
 * The whole clean-up for a person whose box is [x1, y1, x2, y2] in the crop: lower threshold in
 * the box's middle columns, open (drop specks), close (bridge gaps, also vertically), keep the
 * person's blob, fill holes, and fill the upper body's rows.
 */
export function personMask(rgb: Uint8Array, plate: Uint8Array, w: number, h: number, box: readonly number[], threshold = 28): Uint8Array {
  const [x1, y1, x2, y2] = box;
  const cx = (x1 + x2) / 2, half = (x2 - x1) * 0.3;
  let m = differenceMask(rgb, plate, w, h, (x) => (Math.abs(x - cx) < half ? threshold / 2 : threshold));
  m = dilate(erode(m, w, h), w, h);
  m = closeVertically(m, w, h, 4);
  m = erode(erode(dilate(dilate(m, w, h), w, h), w, h), w, h);
  m = fillHoles(largestBlob(m, w, h), w, h);
  return fillRows(m, w, Math.round(y1), Math.round(y1 + (y2 - y1) * 0.55));
}
