// One analysis in its own process, so peak RSS and CPU time belong to that run alone.
// Prints one JSON line: the run summary's timings plus resource usage.
// Usage: run-once.ts <video> [stride] [tracker] [WxH input size]
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { analyzeVideo } from "../loaders/pipeline/analyze.ts";
import type { TrackerName } from "../loaders/track/index.ts";

const [video, stride, tracker, size] = process.argv.slice(2);
const t0 = performance.now();
const s = await analyzeVideo({
  video, out: mkdtempSync(join(tmpdir(), "smw-bench-")), stride: Number(stride ?? 1), tracker: (tracker || undefined) as TrackerName | undefined,
  inputSize: size ? (size.split("x").map(Number) as [number, number]) : undefined,
});
const wall = (performance.now() - t0) / 1000;
const ru = process.resourceUsage();
console.log(JSON.stringify({
  frames: s.framesAnalysed,
  inputSize: s.analysisSize,
  timings: s.timings,
  wall,
  maxRssMB: ru.maxRSS / 1024,
  cpuSeconds: (ru.userCPUTime + ru.systemCPUTime) / 1e6,
}));
