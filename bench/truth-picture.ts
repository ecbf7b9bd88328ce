// The README's picture of rendered footage: the frame of a segment with the most people in clear
// view, with its true boxes (green, with the person's id) and what the detector found (red).
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { drawText, strokeRect } from "../loaders/ops/draw.ts";
import { writeRgbPng } from "../loaders/store/png.ts";
import { FrameStream } from "../loaders/video/frames.ts";

export async function truthPicture(video: string, gtFile: string, runDir: string, out: string, threshold = 0.45): Promise<number> {
  const rows = readFileSync(gtFile, "utf8").trim().split("\n").map((l) => l.split(",").map(Number));
  const perFrame = new Map<number, number>();
  for (const r of rows) perFrame.set(r[0] - 1, (perFrame.get(r[0] - 1) ?? 0) + (r[8] >= 0.9 ? 1 : -1));
  const frame = [...perFrame.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0][0];
  const [W, H] = [640, 480];
  let pixels: Uint8Array | undefined;
  const stream = new FrameStream(video, { width: W, height: H, pixFmt: "rgb24", startFrame: frame });
  for await (const f of stream) {
    pixels = f.data.slice();
    break;
  }
  const img = { width: W, height: H, data: pixels! };
  const db = await DuckDBInstance.create(":memory:");
  const conn = await db.connect();
  const det = (await conn.runAndReadAll(`SELECT x1, y1, x2, y2 FROM read_parquet('${join(runDir, "detections.parquet")}') WHERE frame = ${frame} AND score >= ${threshold}`)).getRowObjectsJS() as { x1: number; y1: number; x2: number; y2: number }[];
  conn.closeSync();
  db.closeSync();
  for (const d of det) strokeRect(img, d.x1 + 3, d.y1 + 3, d.x2 - 3, d.y2 - 3, [230, 40, 40], 1);
  for (const [f, id, x, y, w, h] of rows) {
    if (f !== frame + 1) continue;
    strokeRect(img, x, y, x + w, y + h, [40, 220, 60], 2);
    drawText(img, String(id), x + 3, y + 3, [255, 255, 255], { scale: 2, background: [40, 160, 60] });
  }
  writeRgbPng(out, img.data, W, H);
  return frame;
}
