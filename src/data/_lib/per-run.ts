// Parameterized loaders (src/data/[run]/*) serve run "a" ($SMW_RUN) and run "b" ($SMW_RUN_B).
// Without a run B, its files are small placeholders that say so, so pages can reference both.
import { hasRunB, openRun, whichRun, type Run, type Which } from "./run.ts";

/** Opens the run this loader was asked for, or returns undefined for an unconfigured run B. */
export async function openRequestedRun(): Promise<{ which: Which; run: Run | undefined }> {
  const which = whichRun();
  if (which === "b" && !hasRunB()) return { which, run: undefined };
  return { which, run: await openRun(which) };
}

/** Foot-point grid: 128 cells on the long side of the picture, square cells. */
export function gridFor(width: number, height: number): { cols: number; rows: number; cell: number } {
  const cell = Math.max(width, height) / 128;
  return { cols: Math.ceil(width / cell), rows: Math.ceil(height / cell), cell };
}

/**
 * The first frame's local wall-clock time as milliseconds, encoded as if it were UTC (a zone
 * suffix is dropped) so pages show the store's own clock whatever the viewer's time zone; null
 * if unknown.
 */
export function startMs(startTime: string | null): number | null {
  if (!startTime) return null;
  const ms = Date.parse(`${String(startTime).trim().replace(/([zZ]|[+-]\d\d:?\d\d)$/, "")}Z`);
  return Number.isFinite(ms) ? ms : null;
}
