// Pictures of chosen frames for the count audit page: decoded once by ffmpeg (exact frame
// numbers), scaled to at most `maxWidth`, and encoded as JPEG by ffmpeg again. Frames travel
// as data: URLs inside the page's JSON, so the audit works from a static, offline site.
import { runVideoTool } from "../video/ffmpeg.ts";
import { decodeFrames } from "./decode-frames.ts";

export interface FrameImage {
  frame: number;
  width: number;
  height: number;
  jpeg: Buffer;
}

/** Even frame numbers spread over `framesAnalysed` analysed frames of a run with `stride`: the audit's sample. */
export function auditSample(framesAnalysed: number, stride: number, count = 12): number[] {
  const n = Math.max(0, Math.floor(framesAnalysed));
  const k = Math.min(count, n);
  const out = new Set<number>();
  for (let i = 0; i < k; i++) out.add(Math.max(1, stride) * Math.floor(((i + 0.5) / k) * n));
  return [...out].sort((a, b) => a - b);
}

export async function encodeJpeg(rgb: Uint8Array, width: number, height: number, quality = 5): Promise<Buffer> {
  const { code, stdout, stderr } = await runVideoTool(["-nostdin", "-loglevel", "error", "-f", "rawvideo", "-pix_fmt", "rgb24",
    "-s", `${width}x${height}`, "-i", "pipe:0", "-frames:v", "1", "-q:v", String(quality), "-f", "mjpeg", "pipe:1"], { input: rgb });
  if (code !== 0) throw new Error(`ffmpeg could not encode a JPEG: ${stderr.trim()}`);
  return stdout;
}

/** `touch` may change each picture (RGB, the returned size) before it is encoded: blurring people, say. */
export async function frameImages(path: string, frames: number[], videoWidth: number, videoHeight: number, maxWidth = 640,
  touch?: (frame: number, rgb: Uint8Array, width: number, height: number) => void): Promise<FrameImage[]> {
  const scale = Math.min(1, maxWidth / videoWidth);
  const width = Math.max(2, Math.round((videoWidth * scale) / 2) * 2);
  const height = Math.max(2, Math.round((videoHeight * scale) / 2) * 2);
  const raw: { frame: number; rgb: Uint8Array }[] = [];
  await decodeFrames(path, frames, { width, height, pixFmt: "rgb24" }, (frame, data) => {
    raw.push({ frame, rgb: new Uint8Array(data) });
  });
  const out: FrameImage[] = [];
  for (const r of raw) {
    touch?.(r.frame, r.rgb, width, height);
    out.push({ frame: r.frame, width, height, jpeg: await encodeJpeg(r.rgb, width, height) });
  }
  return out;
}
