// `npm run bench:soak`: an hour of real footage (vtest looped by ffmpeg) at stride 5, printing
// the process's resident memory when the analysis passes 10 minutes of video and at 60: the
// two must match (frames stream, rows leave in chunks), or something grows with video length.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeVideo } from "../loaders/pipeline/analyze.ts";
import { videoBinaries } from "../loaders/video/binaries.ts";

const SOURCE = join(import.meta.dirname, "..", "..", "shared", "footage", "opencv", "vtest.avi");
const minutes = Number(process.env.SOAK_MINUTES ?? 60);
const stride = Number(process.env.SOAK_STRIDE ?? 5);
if (!existsSync(SOURCE)) {
  console.log(`no soak footage at ${SOURCE}; nothing to measure`);
  process.exit(0);
}
const dir = mkdtempSync(join(tmpdir(), "smw-soak-"));
const looped = join(dir, `vtest-${minutes}min.avi`);
execFileSync(videoBinaries().ffmpeg, ["-v", "error", "-stream_loop", "-1", "-i", SOURCE, "-t", String(minutes * 60), "-c", "copy", "-y", looped]);

const mb = (b: number) => (b / 2 ** 20).toFixed(0);
const marks = [10, 30, 60].filter((m) => m <= minutes);
const fps = 10; // vtest's frame rate
let next = 0;
let peak = 0;
const t0 = performance.now();
const s = await analyzeVideo({
  video: looped,
  out: join(dir, "run"),
  stride,
  onProgress: (p) => {
    peak = Math.max(peak, process.memoryUsage().rss);
    const videoMinutes = (p.framesDone * stride) / fps / 60;
    if (next < marks.length && videoMinutes >= marks[next]) {
      console.log(`at ${String(marks[next]).padStart(2)} min of video: RSS ${mb(process.memoryUsage().rss)} MB (peak so far ${mb(peak)} MB), ${(p.framesDone / p.elapsed).toFixed(1)} analysed frames/s`);
      next++;
    }
  },
});
console.log(`${minutes} min of video, stride ${stride}: ${s.framesAnalysed} frames analysed in ${((performance.now() - t0) / 1000).toFixed(0)} s, ${s.trackPoints} track points; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
