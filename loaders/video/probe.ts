// Video metadata from ffprobe, turned into the few numbers the pipeline needs, with
// errors a person can act on (the file is missing, is a folder, is empty, is not a video).
import { statSync } from "node:fs";
import ffmpeg from "fluent-ffmpeg";
import { UserError } from "../errors.ts";
import { videoBinaries } from "./binaries.ts";

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  /** Frames per second (average frame rate of the stream). */
  fps: number;
  /** Frame count: from the container when it says, else estimated from duration x fps. */
  frameCount: number;
  /** Seconds. */
  duration: number;
  codec: string;
}

function parseRate(rate: string | undefined): number {
  if (!rate) return NaN;
  const [num, den] = rate.split("/").map(Number);
  return den ? num / den : num;
}

/** Fail early, before ffprobe, on the mistakes ffprobe reports cryptically. */
export function checkVideoPath(path: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    throw new UserError(`${path}: no such file; check the path to the video`);
  }
  if (st.isDirectory()) throw new UserError(`${path}: is a folder, not a video file; pass the video files inside it`);
  if (st.size === 0) throw new UserError(`${path}: file is empty (0 bytes); re-export or re-copy the video`);
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  checkVideoPath(path);
  ffmpeg.setFfprobePath(videoBinaries().ffprobe);
  const data = await new Promise<ffmpeg.FfprobeData>((resolve, reject) =>
    ffmpeg.ffprobe(path, (err, d) => (err ? reject(err) : resolve(d))),
  ).catch(() => {
    throw new UserError(`${path}: not a readable video (ffprobe could not parse it); check the file is a video and not damaged`);
  });
  const stream = data.streams.find((s) => s.codec_type === "video");
  if (!stream || !stream.width || !stream.height) {
    throw new UserError(`${path}: has no video stream; pass a video file (audio-only and image files are not supported)`);
  }
  const fps = parseRate(stream.avg_frame_rate) || parseRate(stream.r_frame_rate);
  if (!Number.isFinite(fps) || fps <= 0) throw new UserError(`${path}: video stream has no frame rate; re-encode it with ffmpeg`);
  const duration = Number(stream.duration) || Number(data.format.duration) || 0;
  const nb = Number(stream.nb_frames);
  const frameCount = Number.isFinite(nb) && nb > 0 ? nb : Math.round(duration * fps);
  return { path, width: stream.width, height: stream.height, fps, frameCount, duration, codec: stream.codec_name ?? "unknown" };
}
