// Finds raw pictures of people in a built site: every image in it (files, and data: URLs inside
// its JSON and JS) that shows a frame of the run's video, or a crop of one, with a person's head
// as the camera recorded it. A head counts as shown raw when the image keeps at least half of the
// raw frame's detail there (mean difference of each pixel from its 3x3 neighbourhood) and differs
// little from it; a mosaicked head keeps a small fraction, and the people-free plate shows the
// background where a walking person's head was (it differs).
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decode as decodePng } from "fast-png";
import { decodeFrames } from "../loaders/count/decode-frames.ts";
import { cropScale, type Box, type Image } from "../loaders/scene/redact.ts";
import { runVideoTool } from "../loaders/video/ffmpeg.ts";
import { query } from "./helpers.ts";

/** JPEG -> RGB through ffmpeg's PPM writer (its header carries the size). */
export async function decodeJpegBytes(bytes: Uint8Array): Promise<Image> {
  const r = await runVideoTool(["-nostdin", "-loglevel", "error", "-f", "image2pipe", "-i", "pipe:0", "-frames:v", "1", "-c:v", "ppm", "-f", "image2pipe", "pipe:1"], { input: bytes });
  const text = r.stdout.subarray(0, 40).toString("latin1");
  const m = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(text);
  if (!m) throw new Error(`not a picture ffmpeg could decode: ${r.stderr.trim()}`);
  return { width: Number(m[1]), height: Number(m[2]), data: new Uint8Array(r.stdout.subarray(m[0].length)) };
}

export async function decodeJpeg(path: string): Promise<Image> {
  return decodeJpegBytes(readFileSync(path));
}

function decodeImage(bytes: Uint8Array, type: string): Promise<Image> | Image {
  if (type !== "png") return decodeJpegBytes(bytes);
  const p = decodePng(bytes);
  const data = new Uint8Array(p.width * p.height * 3);
  for (let i = 0; i < p.width * p.height; i++) for (let c = 0; c < 3; c++) data[3 * i + c] = Number(p.data[i * p.channels + (p.channels >= 3 ? c : 0)]);
  return { width: p.width, height: p.height, data };
}

const luma = (img: Image, x: number, y: number) => {
  const o = 3 * (y * img.width + x);
  return 0.299 * img.data[o] + 0.587 * img.data[o + 1] + 0.114 * img.data[o + 2];
};

/** Mean |pixel - mean of its 3x3 neighbourhood| (luma) over `rect`: how much fine detail is left. */
export function detail(img: Image, [x1, y1, x2, y2]: readonly number[]): number {
  let sum = 0, n = 0;
  for (let y = Math.max(1, y1); y < Math.min(img.height - 1, y2); y++) {
    for (let x = Math.max(1, x1); x < Math.min(img.width - 1, x2); x++) {
      let m = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) m += luma(img, x + dx, y + dy);
      sum += Math.abs(luma(img, x, y) - m / 9);
      n++;
    }
  }
  return n ? sum / n : 0;
}

/** Mean |a - b| (luma) over `rect` of two pictures of the same size. */
function difference(a: Image, b: Image, [x1, y1, x2, y2]: readonly number[]): number {
  let sum = 0, n = 0;
  for (let y = Math.max(0, y1); y < Math.min(a.height, y2); y++) for (let x = Math.max(0, x1); x < Math.min(a.width, x2); x++, n++) sum += Math.abs(luma(a, x, y) - luma(b, x, y));
  return n ? sum / n : Infinity;
}

/** Inside a person's box, where the face is: the top 30%, the middle 60% of its width; null when under 6 px. */
export function regionOf([x1, y1, x2, y2]: Box): [number, number, number, number] | null {
  const w = x2 - x1, h = y2 - y1;
  const r = [x1 + 0.2 * w, y1 + 0.02 * h, x2 - 0.2 * w, y1 + 0.3 * h].map(Math.round) as [number, number, number, number];
  return r[2] - r[0] >= 6 && r[3] - r[1] >= 6 ? r : null;
}

export interface Finding {
  where: string;
  frame: number;
  head: number[];
  /** Detail kept against the raw frame's, and the mean difference from it. */
  kept: number;
  difference: number;
}

/** Images in the built site: files, and data: URLs in its text files, with any frame/crop metadata beside them. */
function siteImages(dist: string): { where: string; bytes: Uint8Array; type: string; frame?: number; crop?: Box }[] {
  const out: ReturnType<typeof siteImages> = [];
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(png|jpe?g)$/i.test(f)) out.push({ where: p, bytes: readFileSync(p), type: /png$/i.test(f) ? "png" : "jpeg" });
      else if (/\.(json|js|html|csv)$/i.test(f)) {
        const text = readFileSync(p, "utf8");
        for (const m of text.matchAll(/data:image\/(png|jpeg);base64,([A-Za-z0-9+/=]+)/g)) {
          // the frame and crop an audit frame or a snapshot carries next to its picture
          const around = text.slice(Math.max(0, m.index! - 300), m.index);
          const frame = /"frame":(\d+)[^{}]*$/.exec(around)?.[1];
          const crop = /"crop":\[([\d.,-]+)\][^{}]*$/.exec(around)?.[1];
          out.push({ where: `${p} (data: URL at ${m.index})`, bytes: Buffer.from(m[2], "base64"), type: m[1], frame: frame ? Number(frame) : undefined, crop: crop ? (crop.split(",").map(Number) as unknown as Box) : undefined });
        }
      }
    }
  };
  walk(dist);
  return out;
}

/**
 * Every raw head in the site's pictures of the run's video (`runDir`: its detections give the
 * people, score >= 0.5). Pictures with no frame beside them are matched to the nearest frame of
 * the video at 80x60; pictures that match none (charts, heat maps) are not pictures of the camera.
 */
export async function scanSite(dist: string, runDir: string, video: { path: string; width: number; height: number; frames: number }): Promise<{ images: number; pictures: number; heads: number; findings: Finding[] }> {
  const small: Uint8Array[] = [];
  await decodeFrames(video.path, Array.from({ length: video.frames }, (_, i) => i), { width: 80, height: 60, pixFmt: "rgb24" }, (_f, d) => void small.push(d.slice()));
  const findings: Finding[] = [];
  let pictures = 0, heads = 0;
  const images = siteImages(dist);
  for (const im of images) {
    const img = await decodeImage(im.bytes, im.type);
    const crop: Box = im.crop ?? [0, 0, video.width, video.height];
    let frame = im.frame;
    if (frame === undefined) {
      if (Math.abs(img.width / img.height - video.width / video.height) > 0.02 || img.width < 80) continue;
      const thumb = cropScale(img, [0, 0, img.width, img.height], 80, 60).image;
      let best = Infinity;
      small.forEach((s, i) => {
        let d = 0;
        for (let k = 0; k < s.length; k++) d += Math.abs(s[k] - thumb.data[k]);
        if (d / s.length < best) (best = d / s.length), (frame = i);
      });
      if (best > 20) continue; // no frame of this video
    }
    pictures++;
    let rawFrame: Image | undefined;
    await decodeFrames(video.path, [frame!], { width: video.width, height: video.height, pixFmt: "rgb24" }, (_f, d) => void (rawFrame = { data: d.slice(), width: video.width, height: video.height }));
    const raw = cropScale(rawFrame!, crop, img.width, img.height);
    for (const b of await query(`SELECT x1, y1, x2, y2 FROM '${runDir}/detections.parquet' WHERE frame = ${frame} AND score >= 0.5 AND class = 'person'`)) {
      const head = regionOf(raw.map([b.x1, b.y1, b.x2, b.y2].map(Number) as unknown as Box));
      if (!head || head[0] < 0 || head[1] < 0 || head[2] > img.width || head[3] > img.height) continue;
      heads++;
      const kept = detail(img, head) / Math.max(1e-6, detail(raw.image, head));
      const diff = difference(img, raw.image, head);
      if (kept > 0.5 && diff < 12) findings.push({ where: im.where, frame: frame!, head, kept, difference: diff });
    }
  }
  return { images: images.length, pictures, heads, findings };
}
