// One ffmpeg per segment: raw RGB frames in on stdin, H.264 out. Frames go out of a small pool of
// buffers that come back when ffmpeg has taken them, so the renderer never waits on a copy and
// never overwrites a frame still queued. The file is written under a temporary name and renamed
// when ffmpeg is done: a folder of footage never holds half a segment.
import type { ChildProcess } from "node:child_process";
import { renameSync, rmSync } from "node:fs";
import { lastErrorLine, spawnVideoTool, stderrTail } from "../video/ffmpeg.ts";

export interface EncoderOptions {
  width: number;
  height: number;
  fps: number;
  /** Size of the video when it differs from the frames'. */
  size?: [number, number];
  /** x264 preset: veryfast keeps people's edges crisp enough for the detector at ~2 ms a frame. */
  preset?: string;
  crf?: number;
}

export class SegmentEncoder {
  private readonly proc: ChildProcess;
  private readonly free: Uint8Array[];
  private waiting?: () => void;
  private readonly done: Promise<void>;
  private readonly tmp: string;

  constructor(readonly out: string, readonly o: EncoderOptions) {
    this.tmp = `${out}.part`;
    const args = [
      "-nostdin", "-loglevel", "error", "-y",
      "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", `${o.width}x${o.height}`, "-r", String(o.fps), "-i", "pipe:0",
      ...(o.size && (o.size[0] !== o.width || o.size[1] !== o.height) ? ["-vf", `scale=${o.size[0]}:${o.size[1]}:flags=area`] : []),
      // threads fixed: x264's output depends on its thread count, and a seed must give the same video on any machine
      "-c:v", "libx264", "-preset", o.preset ?? "veryfast", "-crf", String(o.crf ?? 20), "-threads", "2",
      "-pix_fmt", "yuv420p", "-metadata", "comment=rendered by smw simulate (not real footage)", "-f", "mp4", this.tmp,
    ];
    this.proc = spawnVideoTool(args, { stdio: ["pipe", "ignore", "pipe"] });
    const tail = stderrTail(this.proc);
    this.proc.stdin!.on("error", () => {}); // a dead ffmpeg is reported by `close`
    this.free = Array.from({ length: 4 }, () => new Uint8Array(o.width * o.height * 3));
    this.done = new Promise((resolve, reject) => {
      this.proc.on("error", reject);
      this.proc.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg could not encode ${out}: ${lastErrorLine(tail) ?? `exit ${code}`}`))));
    });
  }

  /** A buffer to draw the next frame into (waits while all are queued in ffmpeg's pipe). */
  async frame(): Promise<Uint8Array> {
    while (this.free.length === 0) await new Promise<void>((r) => (this.waiting = r));
    return this.free.pop()!;
  }

  /** Hands a drawn frame (from `frame()`) to ffmpeg. */
  write(buf: Uint8Array): void {
    this.proc.stdin!.write(buf, () => {
      this.free.push(buf);
      const w = this.waiting;
      this.waiting = undefined;
      w?.();
    });
  }

  async close(): Promise<void> {
    this.proc.stdin!.end();
    try {
      await this.done;
    } catch (e) {
      rmSync(this.tmp, { force: true });
      throw e;
    }
    renameSync(this.tmp, this.out);
  }

  abort(): void {
    this.proc.kill("SIGKILL");
    rmSync(this.tmp, { force: true });
  }
}
