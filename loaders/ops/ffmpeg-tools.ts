// Which encoder `smw annotate` asks ffmpeg for when it writes an MP4: the binary in use may be
// a system build with libx264 or the npm static build without it.
import { videoToolSync } from "../video/ffmpeg.ts";

let encoders: Set<string> | undefined;

/** Names of the video encoders the ffmpeg binary was built with. */
export function videoEncoders(): Set<string> {
  if (encoders) return encoders;
  try {
    const text = videoToolSync(["-encoders"]);
    encoders = new Set(text.split("\n").map((l) => /^\s*V\S*\s+(\S+)/.exec(l)?.[1]).filter((n): n is string => !!n));
  } catch {
    encoders = new Set();
  }
  return encoders;
}

/** Encoder arguments for an MP4 people can play anywhere: H.264 when built in, else MPEG-4 part 2. */
export function mp4EncoderArgs(): { codec: string; args: string[] } {
  if (videoEncoders().has("libx264")) {
    return { codec: "libx264", args: ["-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", "-movflags", "+faststart"] };
  }
  return { codec: "mpeg4", args: ["-c:v", "mpeg4", "-q:v", "3", "-pix_fmt", "yuv420p", "-movflags", "+faststart"] };
}
