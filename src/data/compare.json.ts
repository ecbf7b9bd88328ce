// compare.json: what the Compare page sets against what. With $SMW_RUN_B, run A against run B
// (each whole); otherwise two windows of run A: $SMW_COMPARE_A and $SMW_COMPARE_B as
// "start-end" in seconds from the start of the video (default: first half against second half).
// The page lets the reader move both windows; these are where they start.
import { basename } from "node:path";
import { hasRunB, openRun } from "./_lib/run.ts";

function window(spec: string | undefined, fallback: [number, number]): [number, number] {
  if (!spec) return fallback;
  const m = /^\s*([\d.]+)\s*[-,]\s*([\d.]+)\s*$/.exec(spec);
  if (!m || !(+m[2] > +m[1])) throw new Error(`bad window "${spec}": use start-end in seconds, e.g. 0-3600`);
  return [+m[1], +m[2]];
}

const a = await openRun("a");
const [{ lastA }] = (await a.rows(`SELECT coalesce(max(t_seconds), 0)::DOUBLE AS lastA FROM tracks`)) as { lastA: number }[];
const durationA = Math.max(a.info.video.duration, lastA);
a.close();

if (hasRunB()) {
  const b = await openRun("b");
  const [{ lastB }] = (await b.rows(`SELECT coalesce(max(t_seconds), 0)::DOUBLE AS lastB FROM tracks`)) as { lastB: number }[];
  b.close();
  process.stdout.write(
    JSON.stringify({
      mode: "runs",
      a: { run: basename(a.dir), window: window(process.env.SMW_COMPARE_A, [0, durationA]), label: `A · ${basename(a.dir)}` },
      b: { run: basename(b.dir), window: window(process.env.SMW_COMPARE_B, [0, Math.max(b.info.video.duration, lastB)]), label: `B · ${basename(b.dir)}` },
    }),
  );
} else {
  const half = Math.round((durationA / 2) * 100) / 100;
  process.stdout.write(
    JSON.stringify({
      mode: "windows",
      a: { run: basename(a.dir), window: window(process.env.SMW_COMPARE_A, [0, half]), label: "A · before" },
      b: { run: basename(a.dir), window: window(process.env.SMW_COMPARE_B, [half, durationA]), label: "B · after" },
    }),
  );
}
