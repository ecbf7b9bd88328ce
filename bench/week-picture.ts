// A picture of a rendered week: customers first seen per hour (columns) and day (rows), the truth
// beside what smw analyze measured, one shared colour scale, each cell with its number.
import { drawText, fillRect, type Image, type Rgb } from "../loaders/ops/draw.ts";
import { writeRgbPng } from "../loaders/store/png.ts";

interface Cell { bucket: string; visitors: number }

const CELL_W = 34, CELL_H = 26, LEFT = 58, TOP = 52, GAP = 30;
const DAY = ["MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"];

function shade(v: number, max: number): Rgb {
  const f = max > 0 ? Math.min(1, v / max) : 0;
  return [Math.round(247 - f * 200), Math.round(251 - f * 150), Math.round(255 - f * 80)];
}

export function weekPicture(truth: Cell[], measured: Cell[], dates: string[], out: string): void {
  const hourOf = (b: string) => Number(b.slice(11, 13));
  const hours = [...new Set([...truth, ...measured].map((c) => hourOf(c.bucket)))].sort((a, b) => a - b);
  const panelW = LEFT + hours.length * CELL_W;
  const width = panelW * 2 + GAP, height = TOP + dates.length * CELL_H + 12;
  const img: Image = { width, height, data: new Uint8Array(width * height * 3).fill(255) };
  const max = Math.max(1, ...truth.map((c) => c.visitors), ...measured.map((c) => c.visitors));
  [["TRUE", truth], ["MEASURED", measured]].forEach(([title, cells], p) => {
    const x0 = p * (panelW + GAP);
    drawText(img, `${title} CUSTOMERS PER HOUR`, x0 + LEFT, 6, [30, 30, 30], { scale: 2 });
    hours.forEach((h, i) => drawText(img, String(h), x0 + LEFT + i * CELL_W + 8, TOP - 18, [90, 90, 90], { scale: 2 }));
    dates.forEach((date, row) => {
      const y = TOP + row * CELL_H;
      const weekday = (new Date(`${date}T12:00:00Z`).getUTCDay() + 6) % 7;
      drawText(img, DAY[weekday], x0 + 6, y + 6, [60, 60, 60], { scale: 2 });
      hours.forEach((h, i) => {
        const c = (cells as Cell[]).find((x) => x.bucket.startsWith(date) && hourOf(x.bucket) === h);
        const x = x0 + LEFT + i * CELL_W;
        fillRect(img, x + 1, y + 1, x + CELL_W - 1, y + CELL_H - 1, shade(c?.visitors ?? 0, max));
        if (c) drawText(img, String(c.visitors), x + 5, y + 7, c.visitors > max * 0.6 ? [255, 255, 255] : [30, 30, 30], { scale: 2 });
      });
    });
  });
  writeRgbPng(out, img.data, width, height);
}
