// `npm run bench:mot`: analyze + eval on every MOT sequence under ../shared/footage/mot15, for
// each tracker, with one set of defaults (no per-sequence tuning). Also prints the tracker's
// own cost per frame at 20 people, and distinct ids vs ground-truth identities (counting).
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { analyzeVideo } from "../loaders/pipeline/analyze.ts";
import { evaluateMot } from "../loaders/eval/mot-metrics.ts";
import { readMotFile } from "../loaders/eval/mot-text.ts";
import { createTracker, TRACKER_NAMES } from "../loaders/track/index.ts";
import type { Detections } from "../loaders/types.ts";
import { tempDir } from "../test/helpers.ts";

const ROOT = join(import.meta.dirname, "..", "..", "shared", "footage", "mot15");
const sequences = existsSync(ROOT) ? readdirSync(ROOT).filter((s) => existsSync(join(ROOT, s, "gt", "gt.txt"))) : [];
if (sequences.length === 0) console.log(`no MOT sequences at ${ROOT}; skipping the accuracy table`);

const pct = (v: number) => `${(100 * v).toFixed(1)}%`;
const rows = [["sequence", "tracker", "MOTA", "IDF1", "HOTA", "IDSW", "FP", "FN", "ids", "GT ids", "ids/GT", "frames/s"]];
for (const seq of sequences) {
  const video = readdirSync(join(ROOT, seq)).find((f) => /\.(mp4|avi|mkv|mov)$/.test(f))!;
  const gt = await readMotFile(join(ROOT, seq, "gt", "gt.txt"), { gt: true });
  const gtIds = new Set(gt.map((r) => r.trackId)).size;
  for (const tracker of TRACKER_NAMES) {
    const out = tempDir("smw-bench-mot-");
    const mot = join(out, "res.txt");
    const s = await analyzeVideo({ video: join(ROOT, seq, video), out, mot, tracker });
    const m = evaluateMot(gt, await readMotFile(mot));
    rows.push([seq, tracker, pct(m.mota), pct(m.idf1), pct(m.hota?.hota ?? NaN), String(m.idsw), String(m.fp), String(m.fn),
      String(m.hypTracks), String(gtIds), (m.hypTracks / gtIds).toFixed(2), (s.framesAnalysed / s.timings.total).toFixed(1)]);
  }
}
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((c, i) => c.padStart(widths[i])).join("  "));

// Tracker cost alone: 20 people walking, 1000 frames, detections jittered.
for (const name of TRACKER_NAMES) {
  const tracker = createTracker(name, name === "bytetrack" ? { fps: 25 } : {});
  const n = 20;
  const det: Detections = { count: n, boxes: new Float32Array(4 * n), scores: new Float32Array(n).fill(0.8), classes: new Int32Array(n) };
  let seed = 1;
  const rand = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  const frames = 1000;
  let t = 0;
  for (let f = 0; f < frames; f++) {
    for (let i = 0; i < n; i++) {
      const x = 30 * i + f * 0.8 + rand() * 2, y = 100 + 15 * (i % 7) + rand() * 2;
      det.boxes.set([x, y, x + 25, y + 70], 4 * i);
    }
    const t0 = performance.now();
    tracker.update(det, { frame: f, t: f / 25 });
    if (f >= 100) t += performance.now() - t0; // after JIT warm-up
  }
  console.log(`${name}: ${(t / (frames - 100)).toFixed(3)} ms per frame at ${n} people`);
}
