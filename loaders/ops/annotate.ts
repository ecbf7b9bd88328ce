// Annotated video: the source re-decoded at full size, the run's tracks drawn on every frame
// (boxes, ids, short trails of foot points), optional counting lines and zones from the
// camera config, and a live "in view" count, encoded back to MP4. `blurPeople` turns every
// tracked or detected person into a blurred mosaic first, so the result can be shown to
// people who must not see faces. Frames stream through: one decoded frame in flight, track
// rows read in DuckDB chunks.
import { mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import type { Writable } from "node:stream";
import { UserError } from "../errors.ts";
import { ensureWritableDir } from "../store/out-dir.ts";
import { FrameStream } from "../video/frames.ts";
import { probeVideo } from "../video/probe.ts";
import {
  drawLine, drawText, fillCircle, fillRect, polygonMask, redact, strokeRect, textSize, tintMask, trackColor,
  type Image, type Rgb,
} from "./draw.ts";
import { lastErrorLine, spawnVideoTool, stderrTail } from "../video/ffmpeg.ts";
import { mp4EncoderArgs } from "./ffmpeg-tools.ts";
import { boxIou, footOf } from "../geometry/box.ts";
import { pointInPolygon, type Point } from "../geometry/plane.ts";
import { readRun } from "../run/read.ts";
import { frameTracks, type FrameTracks, type TrackBox } from "./run-data.ts";

/** A counting line from the camera config, in source pixels; `in` = side of a->b counted as entering. */
export interface LineConfig {
  name: string;
  a: Point;
  b: Point;
  in?: "left" | "right";
}

/** A zone from the camera config: polygon vertices in source pixels. */
export interface ZoneConfig {
  name: string;
  polygon: Point[];
}

export interface AnnotateOptions {
  /** The video the run analysed. */
  video: string;
  /** The run folder (run.json, tracks.parquet) from `smw analyze`. */
  runDir: string;
  /** Output video file (.mp4 recommended). */
  out: string;
  /** Blur every tracked or detected person beyond recognition (mosaic + box blur; privacy). Default false. */
  blurPeople?: boolean;
  /** Draw boxes, ids, trails, lines, zones and the count. Default true; false with blurPeople gives a plain redacted copy. */
  overlays?: boolean;
  /** Length of the foot-point trail behind each person, seconds. Default 2; 0 turns trails off. */
  trailSeconds?: number;
  lines?: LineConfig[];
  zones?: ZoneConfig[];
  onProgress?: (p: { framesDone: number; framesTotal: number }) => void;
}

export interface AnnotateResult {
  out: string;
  frames: number;
  codec: string;
  width: number;
  height: number;
  seconds: number;
}

export const ANNOTATE_DEFAULTS = { trailSeconds: 2, blurPeople: false, overlays: true } as const;

const WHITE: Rgb = [255, 255, 255];
const BLACK: Rgb = [0, 0, 0];
const LINE_COLOR: Rgb = [255, 255, 0];
const ZONE_COLOR: Rgb = [0, 200, 255];

interface Trail {
  points: { x: number; y: number; t: number }[];
}

export async function annotateVideo(opts: AnnotateOptions): Promise<AnnotateResult> {
  const t0 = performance.now();
  const run = readRun(opts.runDir);
  const video = await probeVideo(opts.video);
  if (video.width !== run.video.width || video.height !== run.video.height) {
    throw new UserError(
      `${opts.video}: is ${video.width}x${video.height} but the run in ${opts.runDir} analysed a ${run.video.width}x${run.video.height} video (${run.video.path}); annotate the video the run was made from`,
    );
  }
  const out = resolve(opts.out);
  ensureWritableDir(dirname(out));
  const { width, height } = video;
  const stride = Math.max(1, run.options?.stride ?? 1);
  const trailSeconds = Math.max(0, opts.trailSeconds ?? ANNOTATE_DEFAULTS.trailSeconds);
  const blur = opts.blurPeople ?? ANNOTATE_DEFAULTS.blurPeople;
  const scale = Math.max(1, Math.round(height / 270));
  const thickness = Math.max(2, scale);
  const zones = (opts.zones ?? []).map((z) => ({ ...z, mask: polygonMask(width, height, z.polygon) }));
  const lines = opts.lines ?? [];

  // Encoder: raw RGB frames in on stdin, MP4 out under a temporary name, renamed when done.
  const ext = extname(out) || ".mp4";
  const tmp = join(dirname(out), `.${basename(out, ext)}.partial${ext}`);
  const enc = mp4EncoderArgs();
  const encoder = spawnVideoTool([
    "-loglevel", "error", "-nostdin", "-y",
    "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${width}x${height}`, "-framerate", String(run.video.fps || video.fps), "-i", "pipe:0",
    "-an", "-vf", "pad=ceil(iw/2)*2:ceil(ih/2)*2", ...enc.args, tmp,
  ], { stdio: ["pipe", "ignore", "pipe"] });
  const stderr = stderrTail(encoder);
  const exited = new Promise<number | null>((res) => encoder.on("close", (code) => res(code)));
  let spawnError: Error | undefined;
  encoder.on("error", (e) => (spawnError = e));
  const stdin = encoder.stdin as Writable;
  stdin.on("error", () => {}); // EPIPE when the encoder dies; reported from its exit code below

  const tracks = frameTracks(opts.runDir)[Symbol.asyncIterator]();
  let pending: FrameTracks | undefined = (await tracks.next()).value ?? undefined;
  let shown: FrameTracks | undefined;
  // Blurring also covers detections no track has confirmed yet (a person's first frames).
  const dets = blur ? frameTracks(opts.runDir, { table: "detections" })[Symbol.asyncIterator]() : undefined;
  let pendingDets: FrameTracks | undefined = dets ? (await dets.next()).value ?? undefined : undefined;
  let shownDets: FrameTracks | undefined;
  const trails = new Map<number, Trail>();

  const overlays = opts.overlays ?? ANNOTATE_DEFAULTS.overlays;
  const drawOverlays = (img: Image, trails: Map<number, Trail> | undefined, boxes: TrackBox[]) => {
    for (const z of zones) {
      tintMask(img, z.mask, ZONE_COLOR, 0.18);
      drawPolyline(img, z.polygon, ZONE_COLOR, thickness, true);
    }
    for (const l of lines) {
      drawLine(img, l.a[0], l.a[1], l.b[0], l.b[1], LINE_COLOR, thickness + 1);
      fillCircle(img, l.a[0], l.a[1], thickness + 2, LINE_COLOR);
      fillCircle(img, l.b[0], l.b[1], thickness + 2, LINE_COLOR);
      drawText(img, l.name, l.a[0] + 6 * scale, l.a[1] + 3 * scale, BLACK, { scale, background: LINE_COLOR });
      if (l.in) drawInArrow(img, l, scale, thickness);
    }
    if (trailSeconds > 0 && trails) {
      for (const [id, trail] of trails) {
        const p = trail.points;
        const color = trackColor(id);
        for (let i = 1; i < p.length; i++) drawLine(img, p[i - 1].x, p[i - 1].y, p[i].x, p[i].y, color, thickness);
        if (p.length) fillCircle(img, p.at(-1)!.x, p.at(-1)!.y, thickness + 1, color);
      }
    }
    for (const b of boxes) {
      const color = trackColor(b.trackId);
      strokeRect(img, b.x1, b.y1, b.x2, b.y2, color, thickness);
      const label = String(b.trackId);
      const [, th] = textSize(label, scale);
      const pad = scale;
      // above the box when there is room, else just inside its top edge
      const ly = b.y1 - th - 2 * pad >= 0 ? b.y1 - th - pad : b.y1 + thickness + pad;
      drawText(img, label, b.x1 + pad, ly, isLight(color) ? BLACK : WHITE, { scale, background: color, pad });
    }
    let hud = `IN VIEW ${boxes.length}`;
    for (const z of zones) {
      const n = boxes.filter((b) => pointInPolygon(...footOf(b), z.polygon)).length;
      hud += `  ${z.name} ${n}`;
    }
    fillRect(img, 0, 0, textSize(hud, scale)[0] + 6 * scale, textSize(hud, scale)[1] + 6 * scale, BLACK, 0.55);
    drawText(img, hud, 3 * scale, 3 * scale, WHITE, { scale });
  };

  const frames = new FrameStream(video.path, { width, height, pixFmt: "rgb24" });
  let done = 0;
  try {
    for await (const { frame, data } of frames) {
      // The newest analysed frame at or before this one; held for `stride` frames.
      let advanced = false;
      while (pending && pending.frame <= frame) {
        shown = pending;
        advanced = true;
        pending = (await tracks.next()).value ?? undefined;
      }
      const current = shown && frame - shown.frame < stride ? shown : undefined;
      while (dets && pendingDets && pendingDets.frame <= frame) {
        shownDets = pendingDets;
        pendingDets = (await dets.next()).value ?? undefined;
      }
      const currentDets = shownDets && frame - shownDets.frame < stride ? shownDets.boxes : [];
      if (advanced && shown) updateTrails(trails, shown, trailSeconds);

      const img: Image = { data, width, height };
      const boxes = current?.boxes ?? [];
      if (blur) {
        // detections a track already covers are the same person: blur them once
        const extra = currentDets.filter((d) => !boxes.some((b) => boxIou(b, d) > 0.5));
        for (const b of [...boxes, ...extra]) {
          const bw = b.x2 - b.x1, bh = b.y2 - b.y1;
          const padX = bw * 0.1, padY = bh * 0.1;
          redact(img, b.x1 - padX, b.y1 - padY, b.x2 + padX, b.y2 + padY, Math.max(6, Math.max(bw, bh) / 10));
        }
      }
      if (overlays) drawOverlays(img, current ? trails : undefined, boxes);
      await writeFrame(stdin, data);
      done++;
      opts.onProgress?.({ framesDone: done, framesTotal: video.frameCount });
    }
  } catch (e) {
    encoder.kill("SIGKILL");
    await exited;
    rmSync(tmp, { force: true });
    if (e instanceof UserError) throw e;
    throw new UserError(`${out}: could not write the annotated video (${spawnError?.message ?? lastErrorLine(stderr) ?? (e as Error).message}); check the folder is writable and has space`);
  } finally {
    await tracks.return?.(undefined);
    await dets?.return?.(undefined);
  }
  stdin.end();
  const code = await exited;
  if (code !== 0 || spawnError) {
    rmSync(tmp, { force: true });
    throw new UserError(`${out}: ffmpeg could not encode the annotated video (${spawnError?.message ?? lastErrorLine(stderr) ?? `exit ${code}`}); check the folder is writable and has space`);
  }
  if (done === 0) {
    rmSync(tmp, { force: true });
    throw new UserError(`${opts.video}: no frame could be decoded (${frames.end.error ?? "ffmpeg produced no pictures"}); check the file plays`);
  }
  mkdirSync(dirname(out), { recursive: true });
  renameSync(tmp, out);
  return { out, frames: done, codec: enc.codec, width, height, seconds: (performance.now() - t0) / 1000 };
}

function updateTrails(trails: Map<number, Trail>, f: FrameTracks, seconds: number): void {
  if (seconds <= 0) return;
  for (const b of f.boxes) {
    const [x, y] = footOf(b);
    let tr = trails.get(b.trackId);
    if (!tr) trails.set(b.trackId, (tr = { points: [] }));
    tr.points.push({ x, y, t: f.t });
  }
  for (const [id, tr] of trails) {
    while (tr.points.length && tr.points[0].t < f.t - seconds) tr.points.shift();
    if (tr.points.length === 0) trails.delete(id);
  }
  // people no longer in view keep no trail
  const seen = new Set(f.boxes.map((b) => b.trackId));
  for (const id of trails.keys()) if (!seen.has(id)) trails.delete(id);
}

/** An arrow from the middle of a line towards its "in" side ("right" = clockwise of a->b on screen, y down). */
function drawInArrow(img: Image, l: LineConfig, scale: number, thickness: number): void {
  const dx = l.b[0] - l.a[0], dy = l.b[1] - l.a[1];
  const len = Math.hypot(dx, dy) || 1;
  const sign = l.in === "right" ? 1 : -1;
  const nx = (-dy / len) * sign, ny = (dx / len) * sign;
  const mx = (l.a[0] + l.b[0]) / 2, my = (l.a[1] + l.b[1]) / 2;
  const size = 14 * scale;
  const tx = mx + nx * size, ty = my + ny * size;
  drawLine(img, mx, my, tx, ty, LINE_COLOR, thickness);
  // head: two strokes back from the tip at +-35 degrees
  for (const s of [1, -1]) {
    const c = Math.cos(0.6), sn = Math.sin(0.6) * s;
    const hx = -(nx * c - ny * sn), hy = -(nx * sn + ny * c);
    drawLine(img, tx, ty, tx + hx * size * 0.45, ty + hy * size * 0.45, LINE_COLOR, thickness);
  }
  drawText(img, "IN", tx + nx * 4 * scale - 5 * scale, ty + ny * 4 * scale - 3.5 * scale, BLACK, { scale, background: LINE_COLOR });
}

function drawPolyline(img: Image, pts: readonly Point[], color: Rgb, thickness: number, closed: boolean): void {
  for (let i = 1; i < pts.length; i++) drawLine(img, pts[i - 1][0], pts[i - 1][1], pts[i][0], pts[i][1], color, thickness);
  if (closed && pts.length > 2) drawLine(img, pts.at(-1)![0], pts.at(-1)![1], pts[0][0], pts[0][1], color, thickness);
}

function isLight([r, g, b]: Rgb): boolean {
  return 0.299 * r + 0.587 * g + 0.114 * b > 150;
}

function writeFrame(stream: Writable, data: Uint8Array): Promise<void> {
  // Resolves once the bytes are handed to the pipe: the frame buffer is recycled by the
  // decoder as soon as we ask for the next frame, so it must not stay queued here.
  return new Promise((res, rej) => {
    stream.write(data, (err) => (err ? rej(err) : res()));
  });
}
