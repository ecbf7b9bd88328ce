// Progress for long work: a live bar with frames/s and ETA on a terminal, a plain line every
// few seconds when output goes to a log or CI, nothing with --quiet.
import cliProgress from "cli-progress";
import type { Progress } from "../run/contract.ts";

export type ProgressSink = { update(p: Progress): void; stop(): void };

export function progressReporter(label: string, opts: { quiet?: boolean; tty?: boolean } = {}): ProgressSink {
  if (opts.quiet) return { update() {}, stop() {} };
  const tty = opts.tty ?? Boolean(process.stderr.isTTY);
  if (tty) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {percentage}% | {value}/{total} frames | {fps} frames/s | ETA {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(p) {
        const fps = p.elapsed > 0 ? (p.framesDone / p.elapsed).toFixed(1) : "0";
        if (!started) {
          bar.start(p.framesTotal, 0, { fps });
          started = true;
        }
        bar.setTotal(Math.max(p.framesTotal, p.framesDone));
        bar.update(p.framesDone, { fps });
      },
      stop() {
        if (started) bar.stop();
      },
    };
  }
  let last = 0;
  return {
    update(p) {
      if (p.elapsed - last < 5 && p.framesDone < p.framesTotal) return;
      last = p.elapsed;
      const fps = p.elapsed > 0 ? p.framesDone / p.elapsed : 0;
      const eta = fps > 0 ? Math.max(0, (p.framesTotal - p.framesDone) / fps) : 0;
      process.stderr.write(`${label}: ${p.framesDone}/${p.framesTotal} frames, ${fps.toFixed(1)} frames/s, ETA ${eta.toFixed(0)} s\n`);
    },
    stop() {},
  };
}
